/** The ecsflow runtime image: its build context, a registry-free base, and the build through an engine's API. */
export { buildRuntimeImage, buildFingerprint, connectEngine, ensureRuntimeImage, prepareBaseImage, BUILD_LABEL, DEFAULT_IMAGE_TAG, ImageBuildError, type BuildRuntimeImageOptions, type BuiltImage } from "./build-runtime-image.js";
export { productionPackages, type ImageFlavor } from "./runtime-image-context.js";
