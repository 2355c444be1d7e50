/** Known software GPU implementations: a result on one of these says nothing about GPU speed. */
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/i;

export function looksSoftware(...fields: (string | undefined)[]): boolean {
  return fields.some((f) => f !== undefined && SOFTWARE.test(f));
}
