import { filesSource, urlSource, zipSource, type DatasetSource, type PathAndBlob } from '../medimeta/dataset-source';

/** What the user handed the importer: zips, the Files of a picked folder, or a URL (zip or served folder). */
export type ImportInput =
  { kind: 'zip'; file: Blob; name: string } | { kind: 'files'; files: PathAndBlob[] } | { kind: 'url'; url: string };

/** A dataset to import and where it comes from (for messages). */
export interface PendingSource {
  label: string;
  open(): Promise<DatasetSource>;
}

/**
 * Expand inputs into one pending source per dataset. A picked folder may hold several dataset folders
 * (each with its own info.yaml): each becomes its own import. A URL ending in .zip is a zip (read with
 * HTTP Range requests when the server allows them); any other URL is a served dataset folder.
 */
export function expandInputs(inputs: ImportInput[]): PendingSource[] {
  const out: PendingSource[] = [];
  for (const input of inputs) {
    if (input.kind === 'zip') {
      out.push({ label: input.name, open: () => zipSource(new File([input.file], input.name)) });
    } else if (input.kind === 'url') {
      const url = parseUrl(input.url);
      const isZip = /\.zip$/i.test(url.pathname);
      out.push({ label: url.toString(), open: () => (isZip ? zipSource(url.toString()) : urlSource(url.toString())) });
    } else {
      for (const group of splitFolders(input.files)) {
        out.push({ label: group.label, open: async () => filesSource(group.files, group.label) });
      }
    }
  }
  return out;
}

function parseUrl(s: string): URL {
  let url: URL;
  try {
    url = new URL(s, self.location.href);
  } catch {
    throw new Error(
      `Import URL: expected an http(s) URL of a zip or of a served dataset folder, found ${JSON.stringify(s.slice(0, 200))}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Import URL: expected an http(s) URL, found the scheme "${url.protocol}"`);
  }
  return url;
}

/** Group picked files by dataset folder: every folder that directly holds an info.yaml is one dataset. */
export function splitFolders(files: PathAndBlob[]): { label: string; files: PathAndBlob[] }[] {
  const roots = files
    .map((f) => f.path)
    .filter((p) => p === 'info.yaml' || p.endsWith('/info.yaml'))
    .map((p) => p.slice(0, -'info.yaml'.length))
    .sort((a, b) => b.length - a.length);
  if (roots.length <= 1) return [{ label: topName(files), files }];
  const groups = new Map<string, PathAndBlob[]>(roots.map((r) => [r, []]));
  for (const f of files) {
    const root = roots.find((r) => f.path.startsWith(r));
    if (root !== undefined) groups.get(root)?.push(f);
  }
  return [...groups].reverse().map(([root, fs]) => ({ label: root.replace(/\/$/, '') || 'dataset', files: fs }));
}

function topName(files: PathAndBlob[]): string {
  const first = files[0]?.path ?? 'dataset';
  return first.includes('/') ? first.slice(0, first.indexOf('/')) : 'dataset';
}
