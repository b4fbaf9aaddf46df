// A node:module resolve hook, plain JavaScript because it runs on Node's hooks thread (the
// build copies it as it is into dist/). It resolves `lrsim` and `lrsim/*` as a self-reference
// from inside the running lrsim package, so a plugin or config file anywhere (no node_modules
// of its own, lrsim installed globally or in another folder) imports the very copy of lrsim
// that loads it.
let packageJson;

/** data.packageJson: the URL of the running lrsim package's package.json. */
export function initialize(data) {
  packageJson = data.packageJson;
}

/** `lrsim` and `lrsim/...` as seen from the running package; anything else unchanged. */
export async function resolve(specifier, context, nextResolve) {
  if (packageJson && (specifier === "lrsim" || specifier.startsWith("lrsim/")))
    return nextResolve(specifier, { ...context, parentURL: packageJson });
  return nextResolve(specifier, context);
}
