export { SETTING_DEFINITIONS, type SettingDefinition, type SettingKey, type Settings } from "./definitions.js";
export { loadSettings, redactSettings, readProfile, writeProfileValue, defaultProfilePath, isSettingKey, type LoadSettingsOptions } from "./load-settings.js";
export { SettingsError } from "./errors.js";
