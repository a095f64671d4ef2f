/**
 * Encrypts a secret value for the GitHub secrets API: a libsodium sealed box
 * to the scope's public key, base64 in the ORIGINAL variant (standard
 * alphabet, padded) as GitHub's "Encrypting secrets for the REST API" guide
 * requires.
 */

/**
 * Seals `value` to the base64 public key GitHub returned and returns the
 * base64 ciphertext. libsodium is imported on the first call, so runs that
 * write nothing never load its WebAssembly.
 */
export async function sealSecret(
  value: string,
  publicKeyBase64: string,
): Promise<string> {
  const { default: sodium } = await import('libsodium-wrappers')
  await sodium.ready

  const variant = sodium.base64_variants.ORIGINAL
  const publicKey = sodium.from_base64(publicKeyBase64, variant)
  const sealed = sodium.crypto_box_seal(sodium.from_string(value), publicKey)
  return sodium.to_base64(sealed, variant)
}
