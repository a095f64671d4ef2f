import sodium from 'libsodium-wrappers'
import { beforeAll, describe, expect, it } from 'vitest'
import { sealSecret } from '../../src/github/sealed-box.ts'

describe('sealSecret', () => {
  beforeAll(async () => {
    await sodium.ready
  })

  it('opens with the private key', async () => {
    const keys = sodium.crypto_box_keypair()
    const publicKey = sodium.to_base64(
      keys.publicKey,
      sodium.base64_variants.ORIGINAL,
    )
    const value = 'EAAG' + 'x'.repeat(180) + 'é✓'

    const sealed = await sealSecret(value, publicKey)
    const opened = sodium.crypto_box_seal_open(
      sodium.from_base64(sealed, sodium.base64_variants.ORIGINAL),
      keys.publicKey,
      keys.privateKey,
    )

    expect(sodium.to_string(opened)).toBe(value)
  })

  it('outputs padded standard base64', async () => {
    const keys = sodium.crypto_box_keypair()
    const publicKey = sodium.to_base64(
      keys.publicKey,
      sodium.base64_variants.ORIGINAL,
    )

    // 48 bytes of overhead plus a 2-byte value gives 50 bytes, which needs padding.
    const sealed = await sealSecret('ab', publicKey)

    expect(sealed).toMatch(/^[A-Za-z0-9+/]+={1,2}$/)
    expect(Buffer.from(sealed, 'base64')).toHaveLength(50)
  })

  it('seals differently each time', async () => {
    const keys = sodium.crypto_box_keypair()
    const publicKey = sodium.to_base64(
      keys.publicKey,
      sodium.base64_variants.ORIGINAL,
    )

    const first = await sealSecret('same value', publicKey)
    const second = await sealSecret('same value', publicKey)

    expect(first).not.toBe(second)
  })

  it('rejects a malformed public key', async () => {
    await expect(sealSecret('value', 'not base64!')).rejects.toThrow()
  })
})
