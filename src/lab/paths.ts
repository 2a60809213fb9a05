// The lab's folder is one of ukey's per-OS paths: src/platform/paths.ts knows them all.
export { defaultLabDir } from '../platform/paths.js'
