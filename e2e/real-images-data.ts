import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The small real-image set (tools/real-images/build.sh --small), built once per machine. */
export function realImagesSmall(): string {
  const dir = join(process.cwd(), '.protobench', 'real-images-small');
  if (!existsSync(join(dir, 'textures', 'info.yaml')))
    execFileSync('bash', ['tools/real-images/build.sh', dir, '--small'], { stdio: 'inherit' });
  return dir;
}
