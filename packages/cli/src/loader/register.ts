/**
 * Imported first by every worker thread of the published package (GradientPool's `preload`):
 * installs lrsim's module hooks there, as the main thread did for itself.
 */
import { registerLoaderHooks } from "./hooks.ts";

await registerLoaderHooks();
