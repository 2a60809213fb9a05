import type { diagnoseEn } from './diagnose.en.js'

/** `ukey diagnose` 的中文消息（并入 zh-CN.ts）。 */
export const diagnoseZhCN: Record<keyof typeof diagnoseEn, string> = {
}
