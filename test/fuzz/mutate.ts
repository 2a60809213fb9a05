// Mutations of valid DER for the fuzz runs: byte-level damage (bit flips,
// truncations, splices, length-field edits: short, long, indefinite, huge,
// off by one) and structure-level damage that keeps the DER well formed so the
// readers get past framing into the fields (children dropped, duplicated,
// swapped, retagged, grafted from another seed, contents replaced, INTEGERs
// set to edge values, nodes wrapped in many SEQUENCEs). Every choice is drawn from fast-check, so a
// run is reproduced by its seed.

import fc from 'fast-check'

interface Node {
  tag: number
  /** Children for a constructed element, or the contents of a primitive one. */
  children?: Node[]
  content?: Buffer
}

/** DER length octets for `n`. */
function lengthOctets(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

/** Parses well-formed DER into a tree; undefined if it is not (then only byte mutations apply). */
export function parse(buf: Buffer, start = 0, end = buf.length): Node[] | undefined {
  const out: Node[] = []
  let p = start
  while (p < end) {
    if (p + 2 > end) return undefined
    const tag = buf[p]!
    if ((tag & 0x1f) === 0x1f) return undefined
    let len = buf[p + 1]!
    let q = p + 2
    if (len & 0x80) {
      const n = len & 0x7f
      if (n === 0 || n > 4 || q + n > end) return undefined
      len = 0
      for (let i = 0; i < n; i++) len = len * 256 + buf[q + i]!
      q += n
    }
    if (q + len > end) return undefined
    if (tag & 0x20) {
      const children = parse(buf, q, q + len)
      if (!children) return undefined
      out.push({ tag, children })
    } else out.push({ tag, content: Buffer.from(buf.subarray(q, q + len)) })
    p = q + len
  }
  return out
}

export function serialize(n: Node): Buffer {
  const inner = n.children ? Buffer.concat(n.children.map(serialize)) : (n.content ?? Buffer.alloc(0))
  return Buffer.concat([Buffer.from([n.tag]), lengthOctets(inner.length), inner])
}

function allNodes(roots: Node[]): Node[] {
  const out: Node[] = []
  const walk = (n: Node): void => {
    out.push(n)
    n.children?.forEach(walk)
  }
  roots.forEach(walk)
  return out
}

/** Offsets of every element header in well-formed DER (the length octet follows the tag). */
function headerOffsets(buf: Buffer): number[] {
  const out: number[] = []
  const walk = (start: number, end: number): void => {
    let p = start
    while (p + 2 <= end) {
      out.push(p)
      const tag = buf[p]!
      let len = buf[p + 1]!
      let q = p + 2
      if (len & 0x80) {
        const n = len & 0x7f
        if (n === 0 || n > 4 || q + n > end) return
        len = 0
        for (let i = 0; i < n; i++) len = len * 256 + buf[q + i]!
        q += n
      }
      if (q + len > end) return
      if (tag & 0x20) walk(q, q + len)
      p = q + len
    }
  }
  walk(0, buf.length)
  return out
}

const pick = <T>(xs: readonly T[], r: number): T => xs[Math.floor(r * xs.length) % xs.length]!

/** One structure-level edit on a copy of the tree, driven by the random numbers `r`. */
function treeEdit(roots: Node[], donors: Node[], r: number[]): void {
  const nodes = allNodes(roots)
  if (nodes.length === 0) return
  const target = pick(nodes, r[0]!)
  const parents = nodes.filter((n) => n.children && n.children.length > 0)
  switch (Math.floor(r[1]! * 9)) {
    case 0: { // drop a child
      const p = pick(parents, r[2]!)
      p?.children!.splice(Math.floor(r[3]! * p.children!.length), 1)
      break
    }
    case 1: { // duplicate a child
      const p = pick(parents, r[2]!)
      if (p) p.children!.splice(Math.floor(r[3]! * p.children!.length), 0, structuredClone(pick(p.children!, r[4]!)))
      break
    }
    case 2: { // swap two children
      const p = pick(parents, r[2]!)
      if (p) {
        const i = Math.floor(r[3]! * p.children!.length)
        const j = Math.floor(r[4]! * p.children!.length)
        ;[p.children![i], p.children![j]] = [p.children![j]!, p.children![i]!]
      }
      break
    }
    case 3: // retag, keeping the constructed bit (a primitive tag on children would not serialise)
      target.tag = (Math.floor(r[2]! * 256) & ~0x20 & ~0x1f | Math.floor(r[3]! * 31)) | (target.tag & 0x20)
      break
    case 4: { // replace a primitive's contents: empty, random, huge-ish, or a leading zero run
      if (target.content) {
        const n = pick([0, 1, 2, 9, 64, 300], r[2]!)
        const b = Buffer.alloc(n)
        for (let i = 0; i < n; i++) b[i] = Math.floor(((r[3]! * 9301 + i * 49297) % 233280) / 233280 * 256)
        target.content = b
      }
      break
    }
    case 5: { // graft a node from another seed in place of this one
      const d = pick(donors, r[2]!)
      if (d) Object.assign(target, structuredClone(d))
      break
    }
    case 6: { // wrap in many SEQUENCEs (nesting beyond any real structure)
      const depth = pick([1, 2, 10, 60, 500], r[2]!)
      let wrapped: Node = { ...target }
      for (let i = 0; i < depth; i++) wrapped = { tag: 0x30, children: [wrapped] }
      Object.assign(target, wrapped, { content: undefined })
      break
    }
    case 7: { // an INTEGER set to an edge: zero, negative, 2^31-1, 2^32, 2^63, 72 bits (versions, serials, counts, ids, times)
      const ints = nodes.filter((n) => n.tag === 0x02)
      const n = ints.length ? pick(ints, r[2]!) : undefined
      if (n) n.content = Buffer.from(pick(['00', 'ff', '80', '7f', '00ff', '7fffffff', '0100000000', '7fffffffffffffff', 'ffffffffffffffffff', '010000000000000000'], r[3]!), 'hex')
      break
    }
    default: { // a primitive flips to constructed with itself inside, or the reverse
      if (target.children) Object.assign(target, { tag: target.tag & ~0x20, content: Buffer.concat(target.children.map(serialize)), children: undefined })
      else Object.assign(target, { tag: target.tag | 0x20, children: [{ tag: 0x04, content: target.content }], content: undefined })
    }
  }
}

/** One byte-level edit (the result need not be DER at all). */
function byteEdit(buf: Buffer, r: number[], extra: Uint8Array): Buffer {
  if (buf.length === 0) return Buffer.from(extra)
  const at = Math.floor(r[1]! * buf.length)
  switch (Math.floor(r[0]! * 5)) {
    case 0: { // flip 1–4 bits
      const d = Buffer.from(buf)
      for (let k = 0; k < 1 + Math.floor(r[2]! * 4); k++) {
        const bit = Math.floor(((r[3]! + k * 0.618) % 1) * buf.length * 8)
        d[bit >> 3]! ^= 0x80 >> (bit & 7)
      }
      return d
    }
    case 1: // truncate
      return Buffer.from(buf.subarray(0, at))
    case 2: { // splice: delete some bytes, insert others
      const drop = Math.floor(r[2]! * 40)
      return Buffer.concat([buf.subarray(0, at), extra, buf.subarray(Math.min(buf.length, at + drop))])
    }
    case 3: { // length-field edit at a real header
      const heads = headerOffsets(buf)
      const h = heads.length ? pick(heads, r[2]!) : 0
      const lenAt = h + 1
      if (lenAt >= buf.length) return Buffer.from(buf.subarray(0, h))
      const old = buf[lenAt]!
      const oldLenOctets = old & 0x80 ? 1 + (old & 0x7f) : 1
      const forms = [
        Buffer.from([0x80]), // indefinite (BER, not DER)
        Buffer.from([0x84, 0xff, 0xff, 0xff, 0xff]), // 4 GiB
        Buffer.from([0x85, 0x01, 0, 0, 0, 0]), // five length octets
        Buffer.from([0x81, 0x05]), // long form for a short length (not minimal)
        Buffer.from([Math.floor(r[3]! * 256)]),
        Buffer.from([(old & 0x7f) + 1 > 0x7f ? 0x7f : (old & 0x7f) + 1]),
        Buffer.from([Math.max(0, (old & 0x7f) - 1)]),
        Buffer.from([0x00]),
      ]
      return Buffer.concat([buf.subarray(0, lenAt), pick(forms, r[4]!), buf.subarray(Math.min(buf.length, lenAt + oldLenOctets))])
    }
    default: { // an element's contents repeated (a long run of the same structure)
      const heads = headerOffsets(buf)
      const h = heads.length ? pick(heads, r[2]!) : 0
      const slice = buf.subarray(h, Math.min(buf.length, h + 2 + Math.floor(r[3]! * 64)))
      return Buffer.concat([buf.subarray(0, h), ...Array.from({ length: 1 + Math.floor(r[4]! * 50) }, () => slice), buf.subarray(h)])
    }
  }
}

/**
 * An input made from one of `seeds` by 1–3 edits, structure-level or
 * byte-level, or (one case in ten) plain random bytes.
 */
export function mutatedDer(seeds: readonly Buffer[]): fc.Arbitrary<Buffer> {
  const trees = seeds.map((s) => parse(s))
  const donors = trees.flatMap((t) => (t ? allNodes(t) : [])).filter((n) => serialize(n).length < 2048)
  const edit = fc.record({
    structural: fc.boolean(),
    // Uniform in [0, 1): fc.double is uniform over representable doubles (nearly all tiny) and
    // biased to edges, which would pile every choice on the first edit kind and the first node.
    r: fc.noBias(fc.array(fc.integer({ min: 0, max: 0x7fffffff }), { minLength: 5, maxLength: 5 })).map((a) => a.map((n) => n / 0x80000000)),
    extra: fc.uint8Array({ minLength: 1, maxLength: 32 }),
  })
  const mutated = fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 3 })).map(([i, edits]) => {
    let tree = trees[i] ? structuredClone(trees[i]) : undefined
    let buf = seeds[i]!
    for (const e of edits) {
      if (e.structural && tree) {
        treeEdit(tree, donors, e.r)
        buf = Buffer.concat(tree.map(serialize))
      } else {
        buf = byteEdit(buf, e.r, e.extra)
        tree = parse(buf)
      }
    }
    return buf
  })
  return fc.oneof({ arbitrary: mutated, weight: 9 }, { arbitrary: fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)), weight: 1 })
}

/** PEM text around (possibly mutated) DER, with text-level damage: a wrong label, a missing END, bad base64. */
export function pemAround(der: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  const label = fc.constantFrom('CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE', 'PKCS7', 'CMS', 'PRIVATE KEY', 'X')
  return fc
    .tuple(fc.array(fc.tuple(der, label), { minLength: 1, maxLength: 3 }), fc.nat({ max: 6 }), fc.nat(), fc.string({ maxLength: 8 }))
    .map(([blocks, damage, where, junk]) => {
      let text = blocks
        .map(([d, l]) => `subject=lab\n-----BEGIN ${l}-----\n${d.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${l}-----\n`)
        .join('')
      const at = where % (text.length + 1)
      if (damage === 1) text = text.slice(0, at) // truncated download
      else if (damage === 2) text = text.slice(0, at) + junk + text.slice(at) // junk inside
      else if (damage === 3) text = text.replace(/-----END [^-]*-----\n$/, '') // no END line
      else if (damage === 4) text = text.replace(/=/g, '') // padding lost
      return Buffer.from(text, 'utf8')
    })
}
