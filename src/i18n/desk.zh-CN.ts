import type { deskEn } from './desk.en.js'

/** PIN 处理与以证据为准的结论（问题 13）的中文消息（并入 zh-CN.ts）；用词依术语表：网银盾、换证、换证期、网银盾管理工具。 */
export const deskZhCN: Record<keyof typeof deskEn, string> = {
  'pin.promptSkippable': '请输入网银盾“{label}”（{serial}）的 PIN 码（直接回车：跳过需要 PIN 码的检查）',
  'pin.retryPrompt': 'PIN 码错误，网银盾报告：{state}。请再输入一次网银盾“{label}”（{serial}）的 PIN 码（直接回车：跳过）',
  'pin.stateTries': '{state}，还可尝试 {tries} 次',
  'pin.confirmFinalTry': '网银盾“{label}”（{serial}）只剩一次输入 PIN 码的机会，再输错将被锁定。客户确定记得 PIN 码吗？',
  'diagnose.ev.pinWrong': 'PIN 码错误：未能检查（未登录网银盾）',
  'diagnose.ev.pinWrongCountLow': 'PIN 码错误：未能检查；网银盾现在报告曾输错 PIN 码',
  'diagnose.ev.pinWrongFinalTry': 'PIN 码错误：未能检查；网银盾现在报告只剩一次机会，再输错将被锁定',
  'diagnose.box.proof': '✔ {evidence}',
  'diagnose.box.unchecked': '? 未能检查：{step}（常见问题 {faq}）',
  'diagnose.next.unchecked': '有检查未能完成，因此不能断定没有问题。请让客户输入 PIN 码（并同意测试）后重新运行 `{command}`，再按新的结论处理。',
  'diagnose.next.keyWorks': '网银盾是好的：ukey 刚用它签名，签名验证通过（见下）。问题更可能在这台电脑（网银盾管理工具、浏览器及其证书选择）或银行一方：请用同一个网银盾换一台电脑或浏览器再试；仍不行，请带着错误代码联系银行。更换网银盾无济于事。',
  'diagnose.next.persistsUnproven': '错误仍然存在，但 ukey 未能检查网银盾本身（见下）：先不要更换网银盾。请让客户输入 PIN 码后重新运行；只有签名或生成密钥对失败的网银盾才是坏的。',
  'diagnose.fix.installToolInsert': '请从银行网站（网上银行 → 下载）安装{vendor}的网银盾管理工具，插入网银盾，然后重试（常见问题 2、10.3、10.1）。',
  'diagnose.fix.moduleFailedInsert': '已安装{vendor}的网银盾管理工具，但其模块无法加载：请从银行网站重新安装最新版本，插入网银盾，然后重试（常见问题 2、10.3、10.1）。',
  'watch.tokenInsert': '网银盾管理工具识别到网银盾 {serial}“{label}”',
  'watch.tokenRemove': '网银盾管理工具不再识别网银盾 {serial}“{label}”',
  'password.wrongRetry': '密码错误。请重新输入 {source} 的密码（第 {attempt} 次，共 {max} 次）',
  'diagnose.fix.refusedByBank': '银行服务器于 {date} 拒绝了此证书的换证（{code}），而网银盾和这台电脑的检查均正常：原因在银行一方。请带着此代码联系银行或到柜台办理。',
}
