/** English messages of `ukey diagnose` (merged into en.ts; every key must exist in diagnose.zh-CN.ts). */
export const diagnoseEn = {
} as const
