// Bundled by esbuild into the served peers/quickjs/ folder (bench/run.mjs): quickjs-emscripten's
// default variant (release, synchronous, separate .wasm file) as one browser module.
import { newQuickJSWASMModuleFromVariant, RELEASE_SYNC } from "quickjs-emscripten";

export const load = () => newQuickJSWASMModuleFromVariant(RELEASE_SYNC);
