/**
 * Real libsodium key pairs for the simulated GitHub secrets API: one per
 * scope (repository, each environment, organization), each with a string
 * `key_id`. Sealed boxes written with a public key are opened with its
 * private key, so a test reads back the plaintext a client stored.
 */
import sodium from 'libsodium-wrappers'
import { digits } from './random.ts'

await sodium.ready

const BASE64 = sodium.base64_variants.ORIGINAL

export interface ScopeKey {
  keyId: string
  /** Base64 (ORIGINAL variant) public key, as GitHub returns it. */
  key: string
  publicKey: Uint8Array
  privateKey: Uint8Array
}

/** Key pairs by scope label; rotated keys are kept so older sealed boxes still open. */
export class KeyRing {
  readonly #current = new Map<string, ScopeKey>()
  readonly #byId = new Map<string, ScopeKey>()
  readonly #random: () => number

  constructor(random: () => number) {
    this.#random = random
  }

  /** Returns the current key of a scope, created on first use. */
  current(scope: string): ScopeKey {
    return this.#current.get(scope) ?? this.rotate(scope)
  }

  /** Replaces the scope's key pair with a new one and returns it. */
  rotate(scope: string): ScopeKey {
    const pair = sodium.crypto_box_keypair()
    const key: ScopeKey = {
      keyId: digits(this.#random, 18),
      key: sodium.to_base64(pair.publicKey, BASE64),
      publicKey: pair.publicKey,
      privateKey: pair.privateKey,
    }
    this.#current.set(scope, key)
    this.#byId.set(key.keyId, key)
    return key
  }

  byId(keyId: string): ScopeKey | undefined {
    return this.#byId.get(keyId)
  }
}

/** Seals `value` to `key`, as a client does: base64 ORIGINAL of crypto_box_seal. */
export function seal(value: string, key: ScopeKey): string {
  return sodium.to_base64(
    sodium.crypto_box_seal(sodium.from_string(value), key.publicKey),
    BASE64,
  )
}

/** Opens a base64 sealed box with `key`; returns null when it is not base64 or not sealed to that key. */
export function open(encrypted: string, key: ScopeKey): string | null {
  try {
    const box = sodium.from_base64(encrypted, BASE64)
    const plain = sodium.crypto_box_seal_open(
      box,
      key.publicKey,
      key.privateKey,
    )
    return sodium.to_string(plain)
  } catch {
    return null
  }
}
