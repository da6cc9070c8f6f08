export { defaultBaseJobTemplateFor } from "./default-base-job-template-for.js";
export { ecsDefaultBaseJobTemplate } from "./ecs.js";
export { processDefaultBaseJobTemplate } from "./process.js";
