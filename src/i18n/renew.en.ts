/** English messages of `ukey renew` (merged into en.ts; every key must exist in renew.zh-CN.ts). */
export const renewEn = {
} as const
