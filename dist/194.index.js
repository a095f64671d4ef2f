export const id = 194;
export const ids = [194];
export const modules = {

/***/ 2430:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G: () => (/* binding */ FIELD_LIST),
/* harmony export */   J2: () => (/* binding */ toClientEntry),
/* harmony export */   Jx: () => (/* binding */ FIELD_RULES),
/* harmony export */   Oo: () => (/* binding */ entrySchema),
/* harmony export */   q7: () => (/* binding */ defaultEntry),
/* harmony export */   wC: () => (/* binding */ readCommonLayout)
/* harmony export */ });
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8816);
/* harmony import */ var _inputs_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8422);
/* harmony import */ var _clients_file_lines_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9116);
/* harmony import */ var _redact_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6670);
/**
 * The fields of a clients-file entry, validated with zod, and the reader for
 * the layout nearly every clients file has. The YAML parser (clients-file.ts)
 * loads only for a file outside that layout, or to name a problem's line.
 */




const FIELD_LIST = 'name, priority, owner, note, scope and ignore';
/** Expected value of each field, for messages. */
const FIELD_RULES = {
    name: 'text',
    priority: 'high, normal or low',
    owner: 'a GitHub login such as octocat (a leading @ is allowed)',
    note: 'text',
    scope: 'repository, environment:NAME or organization',
    ignore: 'true or false',
};
/** GitHub logins: up to 39 letters, digits or single hyphens, not starting or ending with a hyphen. */
const GITHUB_LOGIN = /^@?[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
// Free text reaches the log, the summary and the tracking issue, so a token
// pasted into it is hidden like any other.
const textField = zod__WEBPACK_IMPORTED_MODULE_2__/* .union */ .KCZ([zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(), zod__WEBPACK_IMPORTED_MODULE_2__/* .number */ .aig()])
    .transform((value) => (0,_redact_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(String(value).trim()));
const entrySchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .strictObject */ .rej({
    name: textField.pipe(zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().min(1)).nullish(),
    priority: zod__WEBPACK_IMPORTED_MODULE_2__/* ["enum"] */ .k5n(['high', 'normal', 'low']).nullish(),
    owner: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP()
        .regex(GITHUB_LOGIN)
        .refine((login) => !(0,_redact_js__WEBPACK_IMPORTED_MODULE_1__/* .looksLikeCredential */ .Pv)(login))
        .transform((login) => login.replace(/^@/, ''))
        .nullish(),
    note: textField.nullish(),
    scope: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP()
        .transform(_inputs_js__WEBPACK_IMPORTED_MODULE_0__/* .parseSecretScope */ .gj)
        .pipe(zod__WEBPACK_IMPORTED_MODULE_2__/* .custom */ .IeY((scope) => scope !== null))
        .nullish(),
    ignore: zod__WEBPACK_IMPORTED_MODULE_2__/* .boolean */ .zMY().nullish(),
});
/**
 * Reads a file in the common layout with the line reader and validates it.
 * Returns null when the line reader cannot read it or any entry is invalid,
 * so that the YAML parser, which keeps every position, names the problem.
 */
function readCommonLayout(text) {
    const lineEntries = (0,_clients_file_lines_js__WEBPACK_IMPORTED_MODULE_3__/* .readClientsFileLines */ .Q)(text);
    if (!lineEntries)
        return null;
    const entries = [];
    const secrets = new Set();
    for (const { key, line, fields } of lineEntries) {
        const secret = key.toUpperCase();
        if ((0,_redact_js__WEBPACK_IMPORTED_MODULE_1__/* .looksLikeCredential */ .Pv)(key) ||
            !(0,_inputs_js__WEBPACK_IMPORTED_MODULE_0__/* .isValidSecretName */ .Eg)(key) ||
            secrets.has(secret)) {
            return null;
        }
        secrets.add(secret);
        if (fields === null) {
            entries.push(defaultEntry(secret, line));
            continue;
        }
        const parsed = entrySchema.safeParse(fields);
        if (!parsed.success)
            return null;
        entries.push(toClientEntry(secret, parsed.data, line));
    }
    return entries;
}
function defaultEntry(secret, line) {
    return { secret, priority: 'normal', ignore: false, line };
}
function toClientEntry(secret, fields, line) {
    return {
        secret,
        ...(fields.name != null && { name: fields.name }),
        priority: fields.priority ?? 'normal',
        ...(fields.owner != null && { owner: fields.owner }),
        ...(fields.note != null && fields.note !== '' && { note: fields.note }),
        ignore: fields.ignore ?? false,
        ...(fields.scope != null && { scope: fields.scope }),
        line,
    };
}


/***/ }),

/***/ 2194:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(6421);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/inputs.ts
var src_inputs = __webpack_require__(8422);
// EXTERNAL MODULE: ./src/clients.ts
var src_clients = __webpack_require__(9071);
// EXTERNAL MODULE: ./src/clients-entries.ts
var clients_entries = __webpack_require__(2430);
// EXTERNAL MODULE: ./src/meta/graph-client.ts + 4 modules
var graph_client = __webpack_require__(237);
// EXTERNAL MODULE: ./node_modules/bottleneck/lib/index.js
var lib = __webpack_require__(2203);
var lib_default = /*#__PURE__*/__webpack_require__.n(lib);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: ./node_modules/octokit/dist-bundle/index.js + 38 modules
var dist_bundle = __webpack_require__(7424);
// EXTERNAL MODULE: ./node_modules/@octokit/request-error/dist-src/index.js
var dist_src = __webpack_require__(1015);
// EXTERNAL MODULE: ./src/redact.ts
var redact = __webpack_require__(6670);
;// CONCATENATED MODULE: ./src/github/octokit.ts
/**
 * One Octokit per GitHub token, with the retry and throttling the `octokit`
 * package bundles, tuned for a job that makes a few dozen requests and must
 * never print a token.
 */





const DEFAULT_USER_AGENT = 'meta-token-keeper';
const DEFAULT_TIMEOUT_MS = 30_000;
/** Gap in ms between the end of one mutating request and the start of the next, as GitHub's REST best practices request. */
const DEFAULT_WRITE_GAP_MS = 1000;
const MAX_RATE_LIMIT_RETRIES = 3;
/** A rate-limit wait longer than this (seconds) fails the request instead of stalling the job. */
const MAX_RATE_LIMIT_WAIT_S = 15 * 60;
/**
 * Statuses the retry plugin never retries: its defaults plus 429, which is
 * left to the throttling handlers below (they wait for the time the
 * rate-limit headers give), so the two plugins do not multiply each other's attempts.
 */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];
/**
 * Creates the Octokit for one token. It retries 5xx and network errors 3
 * times with backoff (1, 4, 9 s) and rate limits up to 3 times after the wait
 * GitHub names. It serialises and spaces writes and logs one debug line per
 * request. The token is registered with `redact` before anything can print it.
 */
function createOctokit(options) {
    const { log } = options;
    (0,redact/* registerSecret */.cl)(options.token);
    const retryAfterBaseMs = options.retryAfterBaseMs ?? 1000;
    const octokit = new dist_bundle/* Octokit */.Eg({
        auth: options.token,
        baseUrl: options.baseUrl.replace(/\/+$/, ''),
        userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
        log: {
            debug: (message) => log.debug((0,redact/* redact */.E$)(message)),
            info: (message) => log.debug((0,redact/* redact */.E$)(message)),
            warn: (message) => log.warning((0,redact/* redact */.E$)(message)),
            error: (message) => log.error((0,redact/* redact */.E$)(message)),
        },
        request: {
            fetch: fetchWithTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        },
        retry: { doNotRetry: DO_NOT_RETRY, retryAfterBaseValue: retryAfterBaseMs },
        throttle: {
            onRateLimit: rateLimitHandler('rate limit', log),
            onSecondaryRateLimit: rateLimitHandler('secondary rate limit', log),
            retryAfterBaseValue: retryAfterBaseMs,
            ...writeGroups(options.writeSpacingMs),
        },
    });
    serialiseWrites(octokit, options.writeSpacingMs ?? DEFAULT_WRITE_GAP_MS);
    octokit.hook.wrap('request', async (request, endpoint) => {
        // Both plugins store `retryCount` on `endpoint.request`, an object that
        // Octokit shares between all requests of one instance. Without a copy per
        // request, the retry plugin's backoff ((retryCount + 1)² s) grows with
        // every retry of the run instead of starting at 1 s for each request.
        endpoint.request = { ...endpoint.request };
        const label = `${endpoint.method} ${routeOf(endpoint.url)}`;
        try {
            const response = await request(endpoint);
            log.debug(`GitHub ${label}: ${response.status}`);
            return response;
        }
        catch (error) {
            log.debug(`GitHub ${label}: ${githubErrorMessage(error)}`);
            throw error;
        }
    });
    return octokit;
}
/**
 * Runs mutating requests one at a time, each with its retries, and starts
 * each one at least `gapMs` after the previous one finished. GitHub's REST
 * best practices ask for serial requests and at least one second between
 * mutating ones. The throttling plugin's write group spaces only the starts
 * of writes, so network jitter could bring two of them to GitHub less than a
 * second apart; counting from the end of the previous write rules that out.
 */
function serialiseWrites(octokit, gapMs) {
    let queue = Promise.resolve();
    let lastFinishedAt = Number.NEGATIVE_INFINITY;
    octokit.hook.wrap('request', (request, endpoint) => {
        if (endpoint.method === 'GET' || endpoint.method === 'HEAD') {
            return request(endpoint);
        }
        const run = queue.then(async () => {
            const wait = lastFinishedAt + gapMs - performance.now();
            if (wait > 0)
                await (0,external_node_timers_promises_.setTimeout)(wait);
            try {
                return await request(endpoint);
            }
            finally {
                lastFinishedAt = performance.now();
            }
        });
        queue = run.catch(() => undefined);
        return run;
    });
}
/**
 * Returns one redacted line for a failed GitHub request: the status and
 * GitHub's `message`, never the URL, headers or request body.
 */
function githubErrorMessage(error) {
    if (!(error instanceof dist_src/* RequestError */.G))
        return (0,redact/* describeError */.Uc)(error);
    if (error.response === undefined) {
        return (0,redact/* redact */.E$)(`no response from GitHub (${firstLine(error.message)})`);
    }
    const data = error.response.data;
    const message = typeof data === 'object' &&
        data !== null &&
        'message' in data &&
        typeof data.message === 'string'
        ? data.message
        : (external_node_http_.STATUS_CODES[error.status] ?? 'error');
    return (0,redact/* redact */.E$)(`${error.status} ${firstLine(message)}`);
}
/** Returns the status of a failed GitHub request, or null when none was received. */
function githubStatus(error) {
    return error instanceof dist_src/* RequestError */.G && error.response !== undefined
        ? error.status
        : null;
}
/**
 * True when GitHub refused a request for its primary or secondary rate limit
 * (403 or 429 with "rate limit" in the message), which is no sign of missing
 * permissions.
 */
function isRateLimited(error) {
    const status = githubStatus(error);
    return ((status === 403 || status === 429) &&
        /rate limit/i.test(githubErrorMessage(error)));
}
function firstLine(text) {
    return (text.split('\n')[0] ?? '').trim();
}
/** Route template for a log line: `/repos/{owner}/{repo}/…`, or a page URL's path without its query. */
function routeOf(url) {
    const withoutQuery = url.split('?')[0] ?? '';
    return withoutQuery.replace(/^https?:\/\/[^/]+/, '');
}
/**
 * Wraps the global fetch (looked up per call, so test interceptors apply)
 * with a timeout per attempt. A timeout rejects like a network error, which
 * the retry plugin retries.
 */
function fetchWithTimeout(timeoutMs) {
    return (input, init) => {
        const timeout = AbortSignal.timeout(timeoutMs);
        const signal = init?.signal
            ? AbortSignal.any([init.signal, timeout])
            : timeout;
        return globalThis.fetch(input, { ...init, signal });
    };
}
/** Logs a rate-limit hit with its wait and decides whether the throttling plugin retries. */
function rateLimitHandler(kind, log) {
    return (retryAfter, options, _octokit, retryCount) => {
        const label = `${options.method} ${routeOf(options.url)}`;
        if (retryCount >= MAX_RATE_LIMIT_RETRIES) {
            log.warning(`GitHub ${kind} hit on ${label}. Giving up after ${MAX_RATE_LIMIT_RETRIES} retries.`);
            return false;
        }
        if (retryAfter > MAX_RATE_LIMIT_WAIT_S) {
            log.warning(`GitHub ${kind} hit on ${label}. The requested wait of ${retryAfter} s exceeds ${MAX_RATE_LIMIT_WAIT_S} s, so the request fails.`);
            return false;
        }
        log.warning((0,redact/* redact */.E$)(`GitHub ${kind} hit on ${label}. Retrying in ${retryAfter} s (retry ${retryCount + 1} of ${MAX_RATE_LIMIT_RETRIES}).`));
        return true;
    };
}
/**
 * Limiter groups that space the start of mutating requests. Without a
 * spacing the throttling plugin's own groups apply, shared by every Octokit
 * in the process (@octokit/plugin-throttling 11: `write` starts 1000 ms
 * apart, `notifications` 3000 ms apart).
 */
function writeGroups(spacingMs) {
    if (spacingMs === undefined)
        return {};
    return {
        write: new (lib_default()).Group({ maxConcurrent: 1, minTime: spacingMs }),
        notifications: new (lib_default()).Group({
            maxConcurrent: 1,
            minTime: spacingMs * 3,
        }),
    };
}

;// CONCATENATED MODULE: ./src/github/sealed-box.ts
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
async function sealSecret(value, publicKeyBase64) {
    const { default: sodium } = await __webpack_require__.e(/* import() */ 768).then(__webpack_require__.bind(__webpack_require__, 4768));
    await sodium.ready;
    const variant = sodium.base64_variants.ORIGINAL;
    const publicKey = sodium.from_base64(publicKeyBase64, variant);
    const sealed = sodium.crypto_box_seal(sodium.from_string(value), publicKey);
    return sodium.to_base64(sealed, variant);
}

;// CONCATENATED MODULE: ./src/github/secret-diagnostics.ts

/**
 * The message GitHub returns when an installation token (the workflow's
 * GITHUB_TOKEN among them) lacks a permission.
 */
const INTEGRATION_DENIED = 'Resource not accessible by integration';
/**
 * Returns the diagnostic for `error`, raised while trying to `operation` (a
 * verb phrase such as "read the public key of") the secrets of `scope`.
 */
function accessDiagnostic(scope, repository, error, operation) {
    const target = describeTarget(scope, repository);
    const permission = describePermission(scope);
    const detail = githubErrorMessage(error);
    const failed = `Input \`github-token\` could not ${operation} ${target} (${detail})`;
    if (isRateLimited(error)) {
        return `${failed}. GitHub rate-limited the request, which says nothing about the token's permissions; re-run the workflow later.`;
    }
    switch (githubStatus(error)) {
        case 401:
            return `${failed}. The token is expired or revoked. Replace it with a token that has ${permission}.`;
        case 403:
            return detail.includes(INTEGRATION_DENIED)
                ? `${failed}. The token is an installation token without ${permission}. The workflow's GITHUB_TOKEN never has it, so pass a fine-grained personal access token or a GitHub App token that has it.`
                : `${failed}. The token lacks ${permission}.`;
        case 404:
            return `${failed}. ${describeNotFound(scope, repository)} ${permission}.`;
        default:
            return `${failed}.`;
    }
}
function describeTarget(scope, { owner, repo }) {
    switch (scope.kind) {
        case 'repository':
            return `the repository secrets of ${owner}/${repo}`;
        case 'environment':
            return `the secrets of environment "${scope.name}" in ${owner}/${repo}`;
        case 'organization':
            return `the organization secrets of ${owner}`;
    }
}
/**
 * Permission names as GitHub's REST reference gives them for fine-grained
 * tokens and GitHub Apps, with the classic-token scope.
 */
function describePermission(scope) {
    // NOTE: GitHub's reference does not settle whether environment secrets also
    // need the "Environments" permission, so only "Secrets" is named here.
    return scope.kind === 'organization'
        ? 'the organization permission "Secrets: read and write" (GitHub App permission `organization_secrets`; classic token: `admin:org` scope)'
        : 'the repository permission "Secrets: read and write" (GitHub App permission `secrets`; classic token: `repo` scope)';
}
/** GitHub returns 404, not 403, for a private resource the token cannot see. */
function describeNotFound(scope, { owner, repo }) {
    switch (scope.kind) {
        case 'repository':
            return `The token cannot see the secrets of ${owner}/${repo}. Give it access to this repository with`;
        case 'environment':
            return `The environment "${scope.name}" does not exist in ${owner}/${repo}, or the token cannot see its secrets. Create the environment in the repository settings, or give the token`;
        case 'organization':
            return `${owner} is not an organization, or the token cannot see its organization secrets. Use \`secret-scope: repository\` for a personal account's repository, or give the token`;
    }
}

;// CONCATENATED MODULE: ./src/github/secrets.ts
/**
 * Writes refreshed tokens back to GitHub Actions secrets: one public key per
 * scope, fetched before any Meta exchange so a token that cannot write fails
 * early, then a sealed box per secret.
 */




/** Returns `repository`, `environment:NAME` or `organization`. */
function scopeLabel(scope) {
    return scope.kind === 'environment' ? `environment:${scope.name}` : scope.kind;
}
/** Environment names are at most 255 characters (GitHub's limit). */
const MAX_ENVIRONMENT_NAME = 255;
/** Parses a `secret-scope` value: `repository`, `environment:NAME` or `organization`. Returns null for any other text. */
function parseScope(text) {
    const trimmed = text.trim();
    if (trimmed === 'repository')
        return { kind: 'repository' };
    if (trimmed === 'organization')
        return { kind: 'organization' };
    const match = /^environment:(.+)$/.exec(trimmed);
    const name = match?.[1]?.trim();
    if (!name || name.length > MAX_ENVIRONMENT_NAME)
        return null;
    return { kind: 'environment', name };
}
/**
 * Checks a secret name against GitHub's rules: letters, digits and `_`, not
 * starting with a digit or `GITHUB_`. Returns null when valid, else one line
 * naming the secret and the fix.
 */
function validateSecretName(name) {
    if (name === '')
        return 'A secret name is empty; give each client a name.';
    if (!/^[A-Za-z0-9_]+$/.test(name)) {
        return `Secret name ${JSON.stringify(name)} is invalid: use only letters, digits and underscores.`;
    }
    if (/^[0-9]/.test(name)) {
        return `Secret name ${name} is invalid: it must not start with a digit.`;
    }
    if (/^GITHUB_/i.test(name)) {
        return `Secret name ${name} is invalid: names starting with GITHUB_ are reserved; rename the secret.`;
    }
    return null;
}
/** Public keys and writes of Actions secrets in one repository, its environments and its organization. */
class SecretStore {
    stats = { requests: 0, writes: 0 };
    #octokit;
    #repository;
    #log;
    /** Access per scope label. Failures are kept too, so each scope is diagnosed once per run. */
    #access = new Map();
    constructor(octokit, repository, log) {
        this.#octokit = octokit;
        this.#repository = repository;
        this.#log = log;
    }
    /** Fetches each scope's public key once (before any Meta exchange) and turns failures into diagnostics. */
    async prepare(scopes) {
        const result = new Map();
        for (const scope of scopes) {
            const label = scopeLabel(scope);
            if (!result.has(label))
                result.set(label, await this.#accessFor(scope));
        }
        return result;
    }
    /**
     * Seals `value` and writes it to secret `name` in `scope`. An organization
     * secret keeps its visibility and selected repositories, and a new one
     * is `private`. Throws an Error with a one-line, redacted message.
     */
    async write(scope, name, value) {
        (0,redact/* registerSecret */.cl)(value);
        const invalid = validateSecretName(name);
        if (invalid)
            throw new Error(invalid);
        const access = await this.#accessFor(scope);
        if (!access.ok)
            throw new Error(access.message);
        const visibility = scope.kind === 'organization' ? await this.#orgVisibility(name) : null;
        try {
            await this.#put(scope, name, value, access, visibility);
        }
        catch (error) {
            if (githubStatus(error) !== 422) {
                throw this.#writeError(scope, name, error);
            }
            await this.#retryWithNewKey(scope, name, value, access, visibility, error);
        }
        this.stats.writes += 1;
        this.#log.debug(`Wrote secret ${name} (${scopeLabel(scope)}).`);
    }
    /**
     * Handles a 422 on PUT, which a stale key_id can cause when the scope's
     * public key was rotated during the run. Fetches the key once more and, if
     * its key_id changed, seals and writes once more. Otherwise the first error
     * is thrown, because the 422 had another cause.
     */
    async #retryWithNewKey(scope, name, value, previous, visibility, firstError) {
        const fresh = await this.#fetchKey(scope);
        if (!fresh.ok || fresh.keyId === previous.keyId) {
            throw this.#writeError(scope, name, firstError);
        }
        this.#access.set(scopeLabel(scope), fresh);
        this.#log.info(`The public key of the ${scopeLabel(scope)} secrets changed during the run. Sealing ${name} again with the new key.`);
        try {
            await this.#put(scope, name, value, fresh, visibility);
        }
        catch (error) {
            throw this.#writeError(scope, name, error);
        }
    }
    async #accessFor(scope) {
        const label = scopeLabel(scope);
        const known = this.#access.get(label);
        if (known)
            return known;
        const access = await this.#fetchKey(scope);
        this.#access.set(label, access);
        return access;
    }
    async #fetchKey(scope) {
        try {
            const { key_id: keyId, key } = await this.#getPublicKey(scope);
            this.#log.debug(`Public key of the ${scopeLabel(scope)} secrets: key_id ${keyId}.`);
            return { ok: true, keyId, key };
        }
        catch (error) {
            const message = accessDiagnostic(scope, this.#repository, error, 'read the public key of');
            return { ok: false, message };
        }
    }
    async #getPublicKey(scope) {
        const { owner, repo } = this.#repository;
        const actions = this.#octokit.rest.actions;
        this.stats.requests += 1;
        switch (scope.kind) {
            case 'repository':
                return (await actions.getRepoPublicKey({ owner, repo })).data;
            case 'environment':
                return (await actions.getEnvironmentPublicKey({
                    owner,
                    repo,
                    environment_name: scope.name,
                })).data;
            case 'organization':
                return (await actions.getOrgPublicKey({ org: owner })).data;
        }
    }
    /**
     * Reads an existing organization secret's visibility, and its selected
     * repositories (every page) when it is `selected`. A missing secret gets
     * `private`, so a new secret is never shared with every repository.
     */
    async #orgVisibility(name) {
        const org = this.#repository.owner;
        const actions = this.#octokit.rest.actions;
        let visibility;
        try {
            this.stats.requests += 1;
            const { data } = await actions.getOrgSecret({ org, secret_name: name });
            visibility = data.visibility;
        }
        catch (error) {
            if (githubStatus(error) === 404)
                return { visibility: 'private' };
            throw this.#writeError({ kind: 'organization' }, name, error);
        }
        if (visibility !== 'selected')
            return { visibility };
        try {
            const repositories = await this.#octokit.paginate(actions.listSelectedReposForOrgSecret, { org, secret_name: name, per_page: 100 }, (response) => {
                this.stats.requests += 1;
                return response.data;
            });
            return {
                visibility,
                selected_repository_ids: repositories.map((repository) => repository.id),
            };
        }
        catch (error) {
            throw this.#writeError({ kind: 'organization' }, name, error);
        }
    }
    async #put(scope, name, value, access, visibility) {
        const { owner, repo } = this.#repository;
        const actions = this.#octokit.rest.actions;
        // key_id is marked optional in older docs, but GitHub returns 422 without it.
        const sealed = {
            encrypted_value: await sealSecret(value, access.key),
            key_id: access.keyId,
        };
        this.stats.requests += 1;
        switch (scope.kind) {
            case 'repository':
                await actions.createOrUpdateRepoSecret({
                    owner,
                    repo,
                    secret_name: name,
                    ...sealed,
                });
                return;
            case 'environment':
                await actions.createOrUpdateEnvironmentSecret({
                    owner,
                    repo,
                    environment_name: scope.name,
                    secret_name: name,
                    ...sealed,
                });
                return;
            case 'organization':
                await actions.createOrUpdateOrgSecret({
                    org: owner,
                    secret_name: name,
                    ...sealed,
                    ...(visibility ?? { visibility: 'private' }),
                });
                return;
        }
    }
    #writeError(scope, name, error) {
        const status = githubStatus(error);
        if (status === 401 || status === 403 || status === 404) {
            return new Error(accessDiagnostic(scope, this.#repository, error, `write secret ${name} in`));
        }
        return new Error(`Writing secret ${name} (${scopeLabel(scope)}) failed: ${githubErrorMessage(error)}.`);
    }
}

;// CONCATENATED MODULE: ./src/github/issue-markers.ts
/** Hidden marker that identifies the tracking issue among the issues carrying its label. */
const ISSUE_MARKER = '<!-- meta-token-keeper:tracking-issue -->';
/** Starts the line that links the run; what follows it does not count as a change of the body. */
const RUN_LINK_MARKER = '<!-- meta-token-keeper:run-link -->';
/**
 * Matches the days left before an expiry, stamped with the day they were
 * counted on, as in " (16 days left as of 2026-12-04)". Bodies are compared
 * without it, so a count that only moved with the calendar causes no edit.
 */
const COUNTDOWN = / \(\d[\d,]* days? left as of \d{4}-\d{2}-\d{2}\)/g;

;// CONCATENATED MODULE: ./src/github/checklist.ts
/**
 * Checklist items in the tracking issue body: `- [ ] text <!-- item:KEY -->`.
 * When a person ticks a box on GitHub, the next body the action renders
 * keeps that tick, so an edit never undoes what a person did.
 */
/** A Markdown task-list line: bullet, box, rest of the line. `[^\n]` keeps a trailing `\r` out of the way. */
const TASK_LINE = /^(\s*[-*+]\s+)\[([ xX])\]([^\n]*)$/;
const ITEM_KEY = /<!--\s*item:(\S+?)\s*-->/;
/** The "Re-check now" box: the action unticks it on each run, so a tick never survives. */
const RECHECK_KEY = 'recheck';
/**
 * Returns `nextBody` with every box ticked that a person ticked in
 * `previousBody`, matched by the `<!-- item:KEY -->` on the same line.
 * The `recheck` item is never carried over.
 */
function keepTickedBoxes(previousBody, nextBody) {
    const ticked = tickedKeys(previousBody);
    if (ticked.size === 0)
        return nextBody;
    return nextBody
        .split('\n')
        .map((line) => {
        const task = TASK_LINE.exec(line);
        if (!task || task[2] !== ' ')
            return line;
        const key = ITEM_KEY.exec(line)?.[1];
        return key && ticked.has(key) ? `${task[1]}[x]${task[3]}` : line;
    })
        .join('\n');
}
/** True when the "Re-check now" box of `body` is ticked. */
function isRecheckTicked(body) {
    return body.split('\n').some((line) => {
        const task = TASK_LINE.exec(line);
        return task !== null && task[2] !== ' ' && isRecheckLine(line);
    });
}
function isRecheckLine(line) {
    return ITEM_KEY.exec(line)?.[1] === RECHECK_KEY;
}
function tickedKeys(body) {
    const keys = new Set();
    for (const line of body.split('\n')) {
        const task = TASK_LINE.exec(line);
        if (!task || task[2] === ' ')
            continue;
        const key = ITEM_KEY.exec(line)?.[1];
        if (key && key !== RECHECK_KEY)
            keys.add(key);
    }
    return keys;
}

;// CONCATENATED MODULE: ./src/github/issue-plan.ts
/**
 * The pure half of the tracking issue sync: given the marked issues found
 * and the content to show, decides which issue to keep and what to do with
 * it. Performs no I/O.
 */


/**
 * Decides the sync: the oldest open marked issue is kept and any other open
 * one is a duplicate to close. With none open, the oldest closed one is
 * reopened when a client needs a person, so no second issue is opened.
 * Otherwise a closed issue is edited only to untick its "Re-check now" box.
 */
function planSync(issues, content) {
    const sorted = [...issues].sort((a, b) => a.number - b.number);
    const [kept, ...duplicates] = sorted.filter((issue) => issue.state === 'open');
    if (kept)
        return { plan: planForOpen(kept, content), duplicates };
    const closed = sorted[0];
    if (!content.needsAction) {
        // A person can tick "Re-check now" on a closed issue too. The box is
        // unticked and the issue stays closed, because no client needs a person.
        const rechecked = sorted.find((issue) => isRecheckTicked(issue.body));
        if (rechecked) {
            const body = keepTickedBoxes(rechecked.body, content.body);
            return {
                plan: { action: 'updated', issue: rechecked, body },
                duplicates: [],
            };
        }
        return { plan: { action: 'none', issue: null }, duplicates: [] };
    }
    if (closed) {
        // A reopened issue starts from the new body, because ticks from an earlier episode no longer apply.
        return {
            plan: { action: 'reopened', issue: closed, body: content.body },
            duplicates: [],
        };
    }
    return { plan: { action: 'created', issue: null }, duplicates: [] };
}
function planForOpen(issue, content) {
    const body = keepTickedBoxes(issue.body, content.body);
    const sameBody = normalize(body) === normalize(issue.body);
    if (!content.needsAction) {
        return { action: 'closed', issue, body: sameBody ? null : body };
    }
    return sameBody && content.title === issue.title
        ? { action: 'unchanged', issue }
        : { action: 'updated', issue, body };
}
/**
 * Returns what decides whether an edit is due. Bodies saved from GitHub's web
 * editor can come back with CRLF line endings, and the run link changes every
 * run, so neither counts: the link names the run that last changed the issue.
 */
function normalize(body) {
    const at = body.indexOf(RUN_LINK_MARKER);
    const content = at === -1 ? body : body.slice(0, at);
    return content.replace(/\r\n/g, '\n').replace(COUNTDOWN, '').trimEnd();
}

;// CONCATENATED MODULE: ./src/github/issue-actions.ts
/**
 * The mutating requests of the tracking issue sync: create (with its labels),
 * edit, reopen, close, close a duplicate. Each returns a result with a
 * one-line, redacted message instead of throwing.
 */

const LABEL_COLOR = 'd93f0b';
const LABEL_DESCRIPTION = 'Meta Token Keeper: Meta access tokens that need a person';
/** Creates the issue after making sure each of its labels exists. */
async function createIssue(options) {
    const { octokit, repository, labels, content, log } = options;
    let number;
    let applied;
    try {
        await ensureLabels(options);
        // NOTE: a create retried after a 5xx may have opened the issue twice; the
        // next sync closes the extra one as a duplicate.
        const { data } = await octokit.rest.issues.create({
            ...repository,
            title: content.title,
            body: content.body,
            labels,
        });
        number = data.number;
        applied = data.labels.map((label) => typeof label === 'string' ? label : (label.name ?? ''));
    }
    catch (error) {
        return failed(null, 'creating the tracking issue', error);
    }
    // GitHub silently drops labels when the token lacks push access, and an
    // unlabelled issue is not found again, so the next run would open another.
    const identifying = (labels[0] ?? '').toLowerCase();
    if (!applied.some((name) => name.toLowerCase() === identifying)) {
        log.error(`Tracking issue #${number} was created without its label "${labels[0]}", so the next run will not find it: give \`issue-token\` write access to the repository, or add the label by hand.`);
    }
    return {
        number,
        action: 'created',
        message: `Tracking issue #${number} created.`,
    };
}
/** Creates each label that does not exist yet. A 422 means another run created it meanwhile, which is fine. */
async function ensureLabels({ octokit, repository, labels, }) {
    for (const name of new Set(labels)) {
        try {
            await octokit.rest.issues.getLabel({ ...repository, name });
            continue;
        }
        catch (error) {
            if (githubStatus(error) !== 404)
                throw error;
        }
        try {
            await octokit.rest.issues.createLabel({
                ...repository,
                name,
                color: LABEL_COLOR,
                description: LABEL_DESCRIPTION,
            });
        }
        catch (error) {
            if (githubStatus(error) !== 422)
                throw error;
        }
    }
}
/** Sets the title and body, and for `reopened` also the state. */
async function editIssue({ octokit, repository, content }, number, body, action) {
    try {
        await octokit.rest.issues.update({
            ...repository,
            issue_number: number,
            title: content.title,
            body,
            ...(action === 'reopened' ? { state: 'open' } : {}),
        });
    }
    catch (error) {
        const step = action === 'reopened' ? 'reopening' : 'updating';
        return failed(number, `${step} tracking issue #${number}`, error);
    }
    return { number, action, message: `Tracking issue #${number} ${action}.` };
}
/** Posts the close comment, then closes the issue as completed with its final body. */
async function closeIssue(options, number, body) {
    const { octokit, repository, content, closeComment } = options;
    try {
        await octokit.rest.issues.createComment({
            ...repository,
            issue_number: number,
            body: closeComment,
        });
        await octokit.rest.issues.update({
            ...repository,
            issue_number: number,
            title: content.title,
            ...(body === null ? {} : { body }),
            state: 'closed',
            state_reason: 'completed',
        });
    }
    catch (error) {
        return failed(number, `closing tracking issue #${number}`, error);
    }
    return {
        number,
        action: 'closed',
        message: `Tracking issue #${number} closed: no client needs a person.`,
    };
}
/** Closes one extra marked issue. A failure is logged and does not stop the sync. */
async function closeDuplicate({ octokit, repository, log }, number, keeper) {
    try {
        await octokit.rest.issues.createComment({
            ...repository,
            issue_number: number,
            body: `Closing in favour of #${keeper}, the one tracking issue for Meta access tokens in this repository.`,
        });
        await octokit.rest.issues.update({
            ...repository,
            issue_number: number,
            state: 'closed',
            state_reason: 'not_planned',
        });
        log.info(`Closed duplicate tracking issue #${number} in favour of #${keeper}.`);
    }
    catch (error) {
        log.warning(`Duplicate tracking issue #${number} could not be closed (${githubErrorMessage(error)}). Close it by hand.`);
    }
}
/** Builds the `failed` result for a request that failed during `step`. */
function failed(number, step, error) {
    return {
        number,
        action: 'failed',
        message: `Tracking issue not updated: ${step} failed (${githubErrorMessage(error)}).${failureHint(error)}`,
    };
}
/** Returns the fix for a failed issue request, with a leading space, or '' when none is known. */
function failureHint(error) {
    if (isRateLimited(error)) {
        return ' GitHub rate-limited the request; the next run updates the issue.';
    }
    const status = githubStatus(error);
    if (status === 401) {
        return ' GitHub rejected input `issue-token` as invalid or expired: pass a current token, such as `${{ github.token }}`.';
    }
    if (status === 403 || status === 404) {
        return ' Check that input `issue-token` can read and write issues (workflow `permissions: issues: write`).';
    }
    if (status === 410) {
        return ' Issues are disabled in this repository; enable them or set `tracking-issue: false`.';
    }
    return '';
}

;// CONCATENATED MODULE: ./src/github/tracking-issue.ts





/** GitHub rejects issue bodies longer than this many characters. */
const MAX_ISSUE_BODY_LENGTH = 65_536;
/**
 * Brings the tracking issue in line with `content`. A failed lookup never
 * leads to a new issue: it returns `failed` and changes nothing. Extra open
 * issues with the marker are closed in favour of the oldest one.
 */
async function syncTrackingIssue(options) {
    const { content, log } = options;
    const rejection = checkContent(options.labels, content);
    if (rejection)
        return { number: null, action: 'failed', message: rejection };
    let issues;
    try {
        issues = await findMarkedIssues(options);
    }
    catch (error) {
        const label = options.labels[0] ?? '';
        return failed(null, `listing the issues labelled "${label}"`, error);
    }
    const { plan, duplicates } = planSync(issues, content);
    const keeper = plan.issue?.number ?? null;
    if (options.dryRun)
        return describeDryRun(plan, duplicates, keeper, log);
    if (keeper !== null) {
        for (const duplicate of duplicates) {
            await closeDuplicate(options, duplicate.number, keeper);
        }
    }
    // The caller logs the result's message, once.
    return execute(options, plan);
}
function checkContent(labels, content) {
    if (!labels[0]) {
        return 'Input `issue-labels` is empty, so the tracking issue could not be found or created. Give it at least one label.';
    }
    if (!content.body.includes(ISSUE_MARKER)) {
        return 'The tracking issue body lacks its marker, so it was not sent, because the next run could not find the issue again.';
    }
    if (content.body.length > MAX_ISSUE_BODY_LENGTH) {
        return `The tracking issue body is ${content.body.length} characters, over GitHub's limit of ${MAX_ISSUE_BODY_LENGTH}, so it was not sent.`;
    }
    return null;
}
/**
 * Lists every issue (open and closed, all pages) with the first label and
 * keeps those whose body has the marker. Pull requests share the endpoint
 * and are skipped. The search API is not used, because its index can lag
 * behind recent edits.
 */
async function findMarkedIssues({ octokit, repository, labels, }) {
    const items = await octokit.paginate(octokit.rest.issues.listForRepo, {
        ...repository,
        state: 'all',
        labels: labels[0],
        per_page: 100,
    });
    return items
        .filter((item) => !item.pull_request)
        .filter((item) => (item.body ?? '').includes(ISSUE_MARKER))
        .map((item) => ({
        number: item.number,
        state: item.state === 'open' ? 'open' : 'closed',
        title: item.title,
        body: item.body ?? '',
    }));
}
function describeDryRun(plan, duplicates, keeper, log) {
    for (const duplicate of duplicates) {
        log.info(`Dry run: would close #${duplicate.number} in favour of #${keeper}.`);
    }
    const target = keeper === null ? 'a new tracking issue' : `tracking issue #${keeper}`;
    const verbs = {
        created: `would create ${target}`,
        updated: `would update ${target}`,
        unchanged: `would leave ${target} unchanged`,
        closed: `would close ${target}`,
        reopened: `would reopen ${target}`,
        none: 'would do nothing: no tracking issue is needed',
    };
    const message = `Dry run: ${verbs[plan.action]}.`;
    return { number: keeper, action: plan.action, message };
}
async function execute(options, plan) {
    switch (plan.action) {
        case 'none':
            return {
                number: null,
                action: 'none',
                message: 'No tracking issue is needed: no client needs a person.',
            };
        case 'unchanged':
            return {
                number: plan.issue.number,
                action: 'unchanged',
                message: `Tracking issue #${plan.issue.number} is up to date.`,
            };
        case 'created':
            return createIssue(options);
        case 'updated':
        case 'reopened':
            return editIssue(options, plan.issue.number, plan.body, plan.action);
        case 'closed':
            return closeIssue(options, plan.issue.number, plan.body);
    }
}

// EXTERNAL MODULE: ./src/meta/errors.ts
var errors = __webpack_require__(1254);
// EXTERNAL MODULE: ./src/meta/token-info.ts
var token_info = __webpack_require__(6965);
;// CONCATENATED MODULE: ./src/policy.ts
/**
 * Pure decisions on one token: its status, and whether to exchange or refresh
 * it, from its `debug_token` facts and the run's thresholds. There is no I/O
 * and no clock, because `now` comes in. Dates in reasons are absolute (UTC),
 * so a report stays true when read later.
 */

const DAY_MS = 86_400_000;
const MIGRATE = 'Move the client to a System User token, which either never expires or can be refreshed by the keeper.';
const REAUTHORIZE_DATA = 'Ask the user to log in to the app again to restore data access, or better, move the client to a System User token.';
/**
 * Permissions that Meta exempts from the 90-day data access expiration
 * ("Data Access Expiration" in Meta's Facebook Login docs). `pages_manage_`
 * is a prefix.
 */
const LASTING_PERMISSIONS = new Set([
    'ads_read',
    'ads_management',
    'business_management',
    'pages_show_list',
    'pages_read_engagement',
    'pages_read_user_content',
    'pages_messaging',
    'read_insights',
    'read_audience_network_insights',
]);
/** Returns the days from `from` to `to`, fractional, negative when `to` is earlier. */
function daysBetween(from, to) {
    return (to.getTime() - from.getTime()) / DAY_MS;
}
/**
 * True for a token that lives at most 24 hours from issue: a short-lived
 * user token. Meta leaves out `issued_at` for short-lived tokens, so the
 * lifetime then counts from `now`.
 */
function isShortLived(info, now) {
    if (info.expiresAt === null)
        return false;
    const start = info.issuedAt ?? now;
    return info.expiresAt.getTime() - start.getTime() <= DAY_MS;
}
/** Decides the status of a token and whether to exchange or refresh it. */
function decide(info, ctx) {
    const needsMigration = info.type === 'USER' || info.type === 'PAGE';
    if (!info.isValid) {
        const { status, reason, fix } = (0,token_info/* describeInvalid */.xl)(info, ctx.now);
        return { status, plan: 'none', reason, fix, needsMigration };
    }
    if (info.appId !== null && info.appId !== ctx.appId) {
        return {
            status: 'invalid',
            plan: 'none',
            reason: `The access token was issued for another app (ID ${info.appId}), so this app cannot inspect or refresh it.`,
            fix: `Create the token with app ${ctx.appId}, or run the keeper with the credentials of app ${info.appId}.`,
            needsMigration,
        };
    }
    const decision = { ...decideByType(info, ctx), needsMigration };
    return withDataAccess(decision, info, ctx);
}
function decideByType(info, ctx) {
    switch (info.type) {
        case 'SYSTEM_USER':
            return decideSystemUser(info, ctx);
        case 'USER':
            if (isShortLived(info, ctx.now))
                return decideShortLived(info);
            return decideLongLived(info, ctx, 'user');
        case 'PAGE':
            return decideLongLived(info, ctx, 'Page');
        case 'APP':
            return healthy('App access token; it does not expire.', null);
        case 'UNKNOWN':
            return healthy(`Token of an unknown token type${expiryClause(info.expiresAt)}.`, null);
    }
}
function healthy(reason, fix) {
    return { status: 'healthy', plan: 'none', reason, fix };
}
function expiryClause(expiresAt) {
    return expiresAt ? `; expires on ${(0,token_info/* formatDay */.im)(expiresAt)}` : '';
}
/** `expiring` within the warning window, else `healthy`. */
function statusByExpiry(expiresAt, ctx) {
    return daysBetween(ctx.now, expiresAt) <= ctx.warnBeforeDays
        ? 'expiring'
        : 'healthy';
}
function isDue(expiresAt, ctx) {
    return daysBetween(ctx.now, expiresAt) <= ctx.refreshBeforeDays;
}
function decideSystemUser(info, ctx) {
    const expiresAt = info.expiresAt;
    if (expiresAt === null) {
        return healthy('System User token; it does not expire.', null);
    }
    const day = (0,token_info/* formatDay */.im)(expiresAt);
    if (!isDue(expiresAt, ctx)) {
        return healthy(`System User token; expires on ${day}.`, null);
    }
    return {
        status: statusByExpiry(expiresAt, ctx),
        plan: 'refresh-system-user',
        reason: `System User token; expires on ${day}, due for refresh.`,
        fix: `If the refresh keeps failing, generate a new System User token in Business Settings before ${day}.`,
    };
}
/** Decides for a short-lived token, which lives hours, so it is exchanged regardless of `refreshBeforeDays`. */
function decideShortLived(info) {
    const expiresAt = info.expiresAt;
    const moment = `${(0,token_info/* formatDay */.im)(expiresAt)} ${expiresAt.toISOString().slice(11, 16)} UTC`;
    return {
        status: 'expiring',
        plan: 'exchange-user',
        reason: `Short-lived user token; expires on ${moment}, due for exchange to a long-lived token.`,
        fix: `Store a long-lived token before ${moment}, or better: ${MIGRATE}`,
    };
}
/**
 * Decides for a long-lived user or Page token. Meta's docs do not say that an exchange
 * extends a long-lived token, and a field report shows the expiry unchanged,
 * so the exchange is tried and `judgeRefresh` accepts it only when the
 * expiry really moved later.
 */
function decideLongLived(info, ctx, kind) {
    const expiresAt = info.expiresAt;
    if (expiresAt === null) {
        const reason = kind === 'Page'
            ? 'Page token; it does not expire, but stops working when its user loses the Page role or changes their password.'
            : 'User token; it does not expire.';
        return healthy(reason, MIGRATE);
    }
    const day = (0,token_info/* formatDay */.im)(expiresAt);
    if (!isDue(expiresAt, ctx)) {
        return healthy(`Long-lived ${kind} token; expires on ${day}.`, MIGRATE);
    }
    return {
        status: statusByExpiry(expiresAt, ctx),
        plan: 'exchange-user',
        reason: `Meta does not extend long-lived ${kind} tokens; expires on ${day}.`,
        fix: `Ask the client to log in to the app again before ${day}, or better: ${MIGRATE}`,
    };
}
/**
 * Marks a valid user token as expiring when its data access has expired or
 * expires within the warning window. Permissions that Meta exempts from
 * data access expiration keep working, so a token holding only those is
 * left alone.
 */
function withDataAccess(decision, info, ctx) {
    const until = info.dataAccessExpiresAt;
    if (info.type !== 'USER' || until === null)
        return decision;
    if (holdsOnlyLastingPermissions(info.scopes))
        return decision;
    if (daysBetween(ctx.now, until) > ctx.warnBeforeDays)
        return decision;
    const day = (0,token_info/* formatDay */.im)(until);
    const warning = until <= ctx.now
        ? `Data access expired on ${day}: the token reads nothing until the user re-authorizes.`
        : `Data access expires on ${day}: from then on the token reads nothing until the user re-authorizes.`;
    return {
        ...decision,
        status: decision.status === 'healthy' ? 'expiring' : decision.status,
        reason: `${warning} ${decision.reason}`,
        fix: REAUTHORIZE_DATA,
    };
}
/**
 * True when every scope is exempt from data access expiration.
 * NOTE: `public_profile` is left out of the check: every user token contains
 * it and an agency reads no profile data, but Meta does not list it as
 * exempt. An empty scope list is not "only lasting".
 */
function holdsOnlyLastingPermissions(scopes) {
    const relevant = scopes.filter((scope) => scope !== 'public_profile');
    return (relevant.length > 0 &&
        relevant.every((scope) => LASTING_PERMISSIONS.has(scope) || scope.startsWith('pages_manage_')));
}
/**
 * Accepts a refreshed token only if Meta reports it valid, for the same app
 * and user, and expiring later than the current one. "Never" counts as later
 * than any date, and nothing is later than "never". A rejection's reason
 * names the check that failed.
 */
function judgeRefresh(before, after, ctx) {
    if (!after.isValid) {
        const quoted = after.error ? ` (${after.error.message})` : '';
        return {
            accept: false,
            reason: `Meta reports the new token as invalid${quoted}.`,
        };
    }
    if (after.appId !== before.appId || after.appId !== ctx.appId) {
        return {
            accept: false,
            reason: `The new token belongs to another app (ID ${after.appId ?? 'unknown'}).`,
        };
    }
    if (after.userId !== before.userId) {
        return {
            accept: false,
            reason: `The new token belongs to another user (ID ${after.userId ?? 'unknown'}).`,
        };
    }
    if (!expiresLater(after.expiresAt, before.expiresAt)) {
        return {
            accept: false,
            reason: `The new token does not expire later than the current one (${describeExpiry(before.expiresAt)}).`,
        };
    }
    return {
        accept: true,
        reason: `Refreshed: the new token ${describeExpiry(after.expiresAt)}, the old one ${describeExpiry(before.expiresAt)}.`,
    };
}
function expiresLater(after, before) {
    if (before === null)
        return false;
    if (after === null)
        return true;
    return after.getTime() > before.getTime();
}
function describeExpiry(expiresAt) {
    return expiresAt ? `expires on ${(0,token_info/* formatDay */.im)(expiresAt)}` : 'does not expire';
}

// EXTERNAL MODULE: ./src/concurrency.ts
var concurrency = __webpack_require__(1532);
;// CONCATENATED MODULE: ./src/keeper.ts





/** Exchanges in flight at once; Meta counts each one against the app's rate limit. */
const EXCHANGE_CONCURRENCY = 4;
/** Runs inspection and refresh for every client and returns one report per client, in input order. */
async function runKeeper(settings, clients, deps) {
    const problems = [];
    const context = {
        now: deps.now,
        refreshBeforeDays: settings.refreshBeforeDays,
        warnBeforeDays: settings.warnBeforeDays,
        appId: settings.appId,
    };
    const { inspections, failure } = await inspectAll(clients, deps, problems);
    const decisions = inspections.map((inspection) => inspection.ok ? decide(inspection.info, context) : null);
    const due = clients
        .map((client, index) => ({ client, index }))
        .filter(({ index }) => (decisions[index]?.plan ?? 'none') !== 'none');
    const settled = new Map();
    if (due.length > 0) {
        const skipReason = refreshSkipReason(settings, deps);
        if (skipReason) {
            deps.log.info(`${due.length} token(s) due for refresh: ${skipReason}.`);
        }
        else {
            const store = deps.secretStore;
            const access = await store.prepare(uniqueScopes(due.map((d) => d.client)));
            reportScopeFailures(access, deps.log, problems);
            await (0,concurrency/* mapLimit */.s)(due, EXCHANGE_CONCURRENCY, async ({ client, index }) => {
                const inspection = inspections[index];
                const decision = decisions[index];
                const scopeAccess = access.get(scopeLabel(client.scope));
                settled.set(index, await refreshClient(client, inspection.info, decision, {
                    settings,
                    deps,
                    store,
                    scopeAccess,
                    context,
                }));
            });
        }
    }
    const reports = clients.map((client, index) => buildReport(client, inspections[index], failure, decisions[index] ?? null, settled.get(index) ?? null, refreshSkipNote(settings, deps, decisions[index] ?? null)));
    return {
        reports,
        totals: countTotals(reports, new Set(due.map(({ index }) => index))),
        problems,
        inspectionFailed: failure !== null,
    };
}
async function inspectAll(clients, deps, problems) {
    try {
        const tokens = clients.map((client) => client.token);
        return { inspections: await deps.graph.inspect(tokens), failure: null };
    }
    catch (error) {
        // A rejected app id, app secret or Graph API version fails every
        // inspection the same way: report it once for the run, and mark each
        // client as not checked.
        const failure = error instanceof errors/* GraphError */.h9
            ? error
            : new errors/* GraphError */.h9((0,redact/* describeError */.Uc)(error), { kind: 'other' });
        problems.push(failure.message);
        deps.log.error(failure.message, RUN_FAILURE_TITLES[failure.kind]);
        return {
            inspections: clients.map(() => ({ ok: false, error: failure })),
            failure,
        };
    }
}
const RUN_FAILURE_TITLES = {
    credentials: 'Meta rejected the app credentials',
    version: 'Meta rejected the Graph API version',
};
/**
 * Logs one error for each scope whose public key could not be read, so the
 * diagnostic appears once however many clients live in that scope.
 */
function reportScopeFailures(access, log, problems) {
    for (const [label, scopeAccess] of access) {
        if (scopeAccess.ok)
            continue;
        problems.push(scopeAccess.message);
        log.error(scopeAccess.message, `Cannot write the ${label} secrets`);
    }
}
function refreshSkipReason(settings, deps) {
    if (settings.dryRun)
        return 'dry run, nothing exchanged or written';
    if (!settings.githubToken || !deps.secretStore)
        return 'no `github-token`, so the run only inspects and reports';
    return null;
}
function refreshSkipNote(settings, deps, decision) {
    if (!decision || decision.plan === 'none')
        return null;
    if (settings.dryRun)
        return 'Dry run: would refresh.';
    if (!settings.githubToken || !deps.secretStore)
        return 'Not refreshed: set `github-token` to a token that can write secrets.';
    return null;
}
function uniqueScopes(clients) {
    const byLabel = new Map();
    for (const client of clients)
        byLabel.set(scopeLabel(client.scope), client.scope);
    return [...byLabel.values()];
}
/**
 * Refreshes one client in the order that never leaves the secret worse off:
 * exchange (the old token keeps working), verify the new token with
 * debug_token, write it, and only then revoke the old one when asked.
 * A run killed between any two steps leaves the old or the verified new token.
 */
async function refreshClient(client, before, decision, { settings, deps, store, scopeAccess, context }) {
    const kept = (reason, status = decision.status) => ({
        status,
        reason,
        fix: decision.fix,
        expiresAt: isoOrNull(before.expiresAt),
        written: false,
        revoked: false,
        previousExpiresAt: null,
    });
    if (!scopeAccess || !scopeAccess.ok) {
        // The diagnostic itself was logged once for the scope by reportScopeFailures.
        const label = scopeLabel(client.scope);
        return {
            ...kept(`Not refreshed: \`github-token\` could not read the public key of the ${label} secrets, so nothing was exchanged.`, 'error'),
            fix: `Fix access to the ${label} secrets as the run's error for that scope says, then re-run.`,
        };
    }
    const kind = before.type === 'SYSTEM_USER' ? 'system-user' : 'user';
    let fresh;
    try {
        const exchanged = await deps.graph.exchange(client.token, kind);
        fresh = exchanged.accessToken;
    }
    catch (error) {
        deps.log.warning(`${client.name}: the exchange failed (${(0,redact/* describeError */.Uc)(error)}); the current token is kept.`);
        return kept(`${decision.reason} The exchange failed: ${(0,redact/* describeError */.Uc)(error)}`);
    }
    if (fresh === client.token) {
        return kept(`${decision.reason} Meta returned the same token.`);
    }
    const verified = await deps.graph.inspectOne(fresh);
    if (!verified.ok) {
        return kept(`${decision.reason} The new token could not be verified (${(0,redact/* describeError */.Uc)(verified.error)}), so the current one is kept.`);
    }
    const verdict = judgeRefresh(before, verified.info, context);
    if (!verdict.accept) {
        return kept(`${decision.reason} ${verdict.reason}`);
    }
    try {
        await store.write(client.scope, client.secret, fresh);
    }
    catch (error) {
        return {
            ...kept(`Refreshed, but writing the secret failed (${(0,redact/* describeError */.Uc)(error)}); the current token is kept.`, 'error'),
            fix: 'Check that `github-token` can write this secret, then re-run.',
        };
    }
    const revoked = settings.revokeReplaced && kind === 'system-user'
        ? await revokeReplaced(client, deps)
        : false;
    return {
        status: 'refreshed',
        reason: verdict.reason,
        fix: null,
        expiresAt: isoOrNull(verified.info.expiresAt),
        written: true,
        revoked,
        previousExpiresAt: isoOrNull(before.expiresAt),
    };
}
/** Revokes the replaced token; called only after the new one was verified and written. */
async function revokeReplaced(client, deps) {
    try {
        await deps.graph.revoke(client.token);
        return true;
    }
    catch (error) {
        deps.log.warning(`${client.name}: the replaced token could not be revoked (${(0,redact/* describeError */.Uc)(error)}); it stays valid until its own expiry.`);
        return false;
    }
}
function buildReport(client, inspection, runFailure, decision, settled, skipNote) {
    const base = {
        client: client.name,
        secret: client.secret,
        priority: client.priority,
        owner: client.owner,
        note: client.note,
        scope: scopeLabel(client.scope),
    };
    if (runFailure) {
        // The run's error explains the failure once, not once per client.
        const title = RUN_FAILURE_TITLES[runFailure.kind] ??
            'the inspection failed for every client';
        return {
            ...notChecked(base, `Not checked: ${title}.`),
            fix: "Fix what the run's error names, then re-run.",
        };
    }
    if (!inspection.ok || !decision) {
        const message = inspection.ok
            ? 'no decision'
            : (0,redact/* describeError */.Uc)(inspection.error);
        return notChecked(base, `Could not be checked: ${message}`);
    }
    const info = inspection.info;
    const reason = settled?.reason ?? [decision.reason, skipNote].filter(Boolean).join(' ');
    return {
        ...base,
        tokenType: info.type,
        status: settled?.status ?? decision.status,
        expiresAt: settled ? settled.expiresAt : isoOrNull(info.expiresAt),
        dataAccessExpiresAt: isoOrNull(info.dataAccessExpiresAt),
        needsMigration: decision.needsMigration,
        written: settled?.written ?? false,
        reason,
        fix: settled ? settled.fix : decision.fix,
        previousExpiresAt: settled?.previousExpiresAt ?? null,
        revoked: settled?.revoked ?? false,
    };
}
function notChecked(base, reason) {
    return {
        ...base,
        tokenType: 'UNKNOWN',
        status: 'error',
        expiresAt: null,
        dataAccessExpiresAt: null,
        needsMigration: false,
        written: false,
        reason,
        fix: 'Re-run later; if it persists, check the Graph API status and the app credentials.',
        previousExpiresAt: null,
        revoked: false,
    };
}
/** True when a person must do something about this client. */
function needsAttention(report) {
    return (report.needsMigration ||
        report.status === 'expired' ||
        report.status === 'invalid' ||
        report.status === 'expiring' ||
        report.status === 'error');
}
/** Counts the totals; `due` contains the indexes of the clients due for a refresh. */
function countTotals(reports, due) {
    return {
        checked: reports.length,
        refreshed: reports.filter((report) => report.written).length,
        attention: reports.filter(needsAttention).length,
        unfinished: reports.filter((report, index) => report.status === 'error' || (due.has(index) && !report.written)).length,
    };
}
function isoOrNull(date) {
    return date ? date.toISOString() : null;
}

;// CONCATENATED MODULE: ./src/verdict.ts
/**
 * Whether a run fails, by the `fail-on` rule, and the one line that says why.
 * Shared by the Action and the CLI so both exit alike.
 */

/**
 * Returns the one line that explains why the run fails, or null when it
 * passes. `listedIn` names where the run listed the clients, such as "the
 * job summary".
 */
function failureReason(failOn, result, listedIn) {
    if (failOn === 'never')
        return null;
    const count = (statuses) => result.reports.filter((report) => statuses.includes(report.status)).length;
    const broken = count(['expired', 'invalid']);
    const errors = count(['error']);
    const expiring = failOn === 'expiring' ? count(['expiring']) : 0;
    const parts = [
        broken && `${broken} expired or invalid`,
        errors && `${errors} could not be checked or refreshed`,
        expiring && `${expiring} expiring`,
    ].filter(Boolean);
    if (parts.length === 0 && result.problems.length === 0)
        return null;
    const attention = result.reports.filter(needsAttention).length;
    const detail = parts.length > 0 ? parts.join(', ') : result.problems[0];
    return `Meta tokens need attention (fail-on: ${failOn}): ${detail}. ${attention} client(s) listed in ${listedIn}.`;
}

;// CONCATENATED MODULE: ./src/report/format.ts
const PRIORITY_RANK = { high: 0, normal: 1, low: 2 };
const STATUS_LABELS = {
    expired: 'Expired',
    invalid: 'Invalid',
    error: 'Not checked',
    expiring: 'Expiring',
    refreshed: 'Refreshed',
    healthy: 'Healthy',
};
/** Order of statuses from most to least urgent. */
const STATUS_ORDER = [
    'expired',
    'invalid',
    'error',
    'expiring',
    'refreshed',
    'healthy',
];
const TOKEN_TYPE_LABELS = {
    USER: 'User',
    PAGE: 'Page',
    SYSTEM_USER: 'System User',
    APP: 'App',
    UNKNOWN: 'Unknown',
};
/** Formats an ISO 8601 string or a Date as `YYYY-MM-DD` in UTC; `unknown date` when it does not parse. */
function formatDate(value) {
    const date = typeof value === 'string' ? new Date(value) : value;
    if (Number.isNaN(date.getTime()))
        return 'unknown date';
    return date.toISOString().slice(0, 10);
}
/** Returns the short label of a status, such as `Expired`. */
function statusLabel(status) {
    return STATUS_LABELS[status];
}
/** Returns the label of a token type, such as `System User`. */
function tokenTypeLabel(type) {
    return TOKEN_TYPE_LABELS[type];
}
/** True for the statuses that need a new token from a person now. */
function isActNow(report) {
    return (report.status === 'expired' ||
        report.status === 'invalid' ||
        report.status === 'error');
}
/** True when a person must do something about this client. */
function needsPerson(report) {
    return (isActNow(report) || report.status === 'expiring' || report.needsMigration);
}
/** Parsed expiry of each report, since sorting thousands of clients compares each one many times. */
const expiryTimes = new WeakMap();
function expiryTime(report) {
    let time = expiryTimes.get(report);
    if (time === undefined) {
        const parsed = report.expiresAt === null ? Number.NaN : Date.parse(report.expiresAt);
        time = Number.isNaN(parsed) ? Number.POSITIVE_INFINITY : parsed;
        expiryTimes.set(report, time);
    }
    return time;
}
/** Compares by expiry, soonest first; tokens that never expire come last. */
function compareExpiry(a, b) {
    const left = expiryTime(a);
    const right = expiryTime(b);
    if (left === right)
        return 0;
    return left < right ? -1 : 1;
}
/** Compares by priority (high, normal, low). */
function comparePriority(a, b) {
    return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority];
}
function compareSecret(a, b) {
    if (a.secret === b.secret)
        return 0;
    return a.secret < b.secret ? -1 : 1;
}
/**
 * Compares by priority, then expiry (soonest first, never last), then secret
 * name, so that the same reports always sort the same way.
 */
function byPriorityThenExpiry(a, b) {
    return comparePriority(a, b) || compareExpiry(a, b) || compareSecret(a, b);
}
/** Compares by expiry, then priority, then secret name. */
function byExpiryThenPriority(a, b) {
    return compareExpiry(a, b) || comparePriority(a, b) || compareSecret(a, b);
}
/**
 * Escapes text for one line of Markdown: line breaks become spaces, `<`
 * cannot open an HTML comment or tag, `|` cannot end a table cell, and
 * emphasis and link characters show as themselves.
 */
function escapeText(text) {
    // Most names need nothing escaped, and returning them as they are saves a
    // copy of each name per rendering, for every client.
    if (!TEXT_TO_ESCAPE.test(text))
        return text;
    return collapseLines(text)
        .replace(/[\\`*_[\]|~>#]/g, (char) => `\\${char}`)
        .replace(/</g, '&lt;');
}
/** A character that escapeText changes, or whitespace that it trims. */
const TEXT_TO_ESCAPE = /^\s|\s$|[\r\n\\`*_[\]|~>#<]/;
/**
 * Escapes a sentence written by this action or redacted from Meta: line
 * breaks become spaces and `<` and `|` are escaped, but backtick code spans
 * stay, because reasons and fixes name inputs such as `github-token`.
 */
function escapeSentence(text) {
    if (!SENTENCE_TO_ESCAPE.test(text))
        return text;
    return collapseLines(text).replace(/\|/g, '\\|').replace(/</g, '&lt;');
}
/** A character that escapeSentence changes, or whitespace that it trims. */
const SENTENCE_TO_ESCAPE = /^\s|\s$|[\r\n|<]/;
function collapseLines(text) {
    return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
/**
 * Formats a whole number with thousands separators, such as `2,000`. Written
 * out rather than with `toLocaleString('en-US')`, whose first call loads
 * ICU's number-formatting data: about 4 MiB of resident memory (Node 24).
 */
function formatCount(count) {
    return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
/** Returns `1 client` or `3 clients`. */
function plural(count, noun, nouns = `${noun}s`) {
    return `${formatCount(count)} ${count === 1 ? noun : nouns}`;
}
/**
 * True when a null `expiresAt` means "never expires". Meta reports
 * `expires_at: 0` for invalidated tokens too, and a token that could not be
 * checked has no expiry at all, so for those null means unknown.
 */
function hasKnownExpiry(report) {
    return report.status !== 'invalid' && report.status !== 'error';
}

;// CONCATENATED MODULE: ./src/report/summary.ts

const DEFAULT_MAX_BYTES = 1_000_000;
const TABLE_HEADER = [
    '| Client | Status | Type | Expires | Written | Reason |',
    '| --- | --- | --- | --- | --- | --- |',
];
/** Renders the job summary in Markdown. A ClientReport contains no token, so neither does the summary. */
function renderSummary(reports, totals, options) {
    const head = ['## Meta Token Keeper', ''];
    if (options.dryRun) {
        head.push('> **Dry run:** nothing was exchanged, written or changed.', '');
    }
    head.push(countsLine(totals), '');
    const tail = notesBlock(options.notes);
    if (reports.length === 0) {
        return [...head, 'No client token was checked.', ...tail].join('\n') + '\n';
    }
    const rows = [...reports].sort(byUrgency).map(tableRow);
    const budget = (options.maxBytes ?? DEFAULT_MAX_BYTES) -
        byteLength([...head, ...TABLE_HEADER, ...tail].join('\n')) -
        400;
    const shown = rowsWithin(rows, budget);
    const lines = [...head, ...TABLE_HEADER, ...rows.slice(0, shown)];
    if (shown < rows.length) {
        lines.push('', `_${formatCount(rows.length - shown)} more clients are not shown, because GitHub limits a job summary to 1 MiB. The \`report\` output lists every client._`);
    }
    return [...lines, ...tail].join('\n') + '\n';
}
function countsLine(totals) {
    return [
        `**${formatCount(totals.checked)}** checked`,
        `**${formatCount(totals.refreshed)}** refreshed`,
        `**${formatCount(totals.attention)}** need a person`,
        `**${formatCount(totals.unfinished)}** not checked or not refreshed`,
    ].join(' · ');
}
/** Rank of a report in the table: who must act now, then expiring, then migrations, then the rest. */
function urgencyRank(report) {
    if (isActNow(report))
        return 0;
    if (report.status === 'expiring')
        return 1;
    if (report.needsMigration)
        return 2;
    if (report.status === 'refreshed')
        return 3;
    return 4;
}
function byUrgency(a, b) {
    return urgencyRank(a) - urgencyRank(b) || byPriorityThenExpiry(a, b);
}
function tableRow(report) {
    const owner = report.owner ? ` · @${escapeText(report.owner)}` : '';
    const client = `${escapeText(report.client)} (\`${report.secret}\`)${owner}`;
    const status = statusLabel(report.status) +
        (report.needsMigration ? ' · move to System User' : '');
    const fix = report.fix ? ` **Fix:** ${escapeSentence(report.fix)}` : '';
    const cells = [
        client,
        status,
        tokenTypeLabel(report.tokenType),
        expiresCell(report),
        writtenCell(report),
        escapeSentence(report.reason) + fix,
    ];
    return `| ${cells.join(' | ')} |`;
}
function expiresCell(report) {
    if (report.expiresAt !== null)
        return formatDate(report.expiresAt);
    return hasKnownExpiry(report) ? 'never' : 'unknown';
}
function writtenCell(report) {
    if (!report.written)
        return 'no';
    return report.revoked ? 'yes, old token revoked' : 'yes';
}
function notesBlock(notes) {
    if (notes.length === 0)
        return [];
    return [
        '',
        '### Notes',
        '',
        ...notes.map((note) => `- ${escapeSentence(note)}`),
    ];
}
/** Number of leading rows whose lines fit in `budget` bytes. */
function rowsWithin(rows, budget) {
    let used = 0;
    for (let index = 0; index < rows.length; index++) {
        used += byteLength(rows[index]) + 1;
        if (used > budget)
            return index;
    }
    return rows.length;
}
function byteLength(text) {
    return Buffer.byteLength(text, 'utf8');
}

;// CONCATENATED MODULE: ./src/report/gantt.ts

/** Statuses whose markers Mermaid draws in red (`crit`). */
const URGENT = new Set([
    'expired',
    'invalid',
    'error',
    'expiring',
]);
/** Words the gantt lexer reads as a statement at the start of a line (case-insensitive). */
const KEYWORDS = /^(title|section|dateformat|axisformat|tickinterval|includes|excludes|todaymarker|weekday|weekend|inclusiveenddates|topaxis|acctitle|accdescr|click|call|href)\b/i;
const DEFAULT_MAX_TASKS = 60;
/**
 * Renders a ```mermaid gantt block of every token that expires, or null
 * when none does. With `now`, a future expiry is a bar from `now` to the
 * expiry and a past expiry is a marker. With `now` null, every expiry is a
 * marker, so the block depends only on the reports. Mermaid draws its own
 * line for today when the chart is viewed.
 */
function renderGantt(reports, now, options = {}) {
    const plotted = reports
        .filter((report) => report.expiresAt !== null)
        .map((report) => ({ report, day: formatDate(report.expiresAt) }))
        .filter((item) => item.day !== 'unknown date')
        .sort((a, b) => compareExpiry(a.report, b.report));
    if (plotted.length === 0)
        return null;
    const maxTasks = Math.max(1, options.maxTasks ?? DEFAULT_MAX_TASKS);
    const tasks = chooseTasks(plotted, maxTasks);
    const today = now ? formatDate(now) : null;
    const lines = [
        'gantt',
        '    title Token expiry dates (UTC)',
        '    dateFormat YYYY-MM-DD',
        '    axisFormat %Y-%m-%d',
    ];
    let id = 0;
    for (const status of STATUS_ORDER) {
        const inSection = tasks.filter((task) => task.status === status);
        if (inSection.length === 0)
            continue;
        lines.push(`    section ${statusLabel(status)}`);
        for (const task of inSection) {
            lines.push(`    ${taskLine(task, `t${++id}`, today)}`);
        }
    }
    if (tasks.length === plotted.length)
        lines.push(...clusterLines(plotted));
    return ['```mermaid', ...lines, '```'].join('\n');
}
/** Builds one task per client when they fit in `maxTasks`, else one per status and day, else one per status and month. */
function chooseTasks(plotted, maxTasks) {
    if (plotted.length <= maxTasks) {
        return plotted.map(({ report, day }) => ({
            name: sanitizeTaskName(report.client),
            status: report.status,
            day,
        }));
    }
    const byDay = groupTasks(plotted, (day) => day);
    if (byDay.length <= maxTasks)
        return byDay;
    return groupTasks(plotted, (day) => day.slice(0, 7));
}
/** Groups clients by status and a key of their expiry day; each task sits at the group's earliest expiry. */
function groupTasks(plotted, keyOf) {
    const groups = new Map();
    for (const { report, day } of plotted) {
        const key = `${report.status} ${keyOf(day)}`;
        const group = groups.get(key);
        if (group)
            group.count++;
        else
            groups.set(key, { status: report.status, day, count: 1 });
    }
    return [...groups.values()].map(({ status, day, count }) => ({
        name: count === 1 ? '1 client' : `${count} clients`,
        status,
        day,
    }));
}
function taskLine(task, id, today) {
    const tags = URGENT.has(task.status) ? 'crit, ' : '';
    if (today !== null && task.day > today) {
        return `${task.name} :${tags}${id}, ${today}, ${task.day}`;
    }
    return `${task.name} :${tags}milestone, ${id}, ${task.day}, 0d`;
}
/** Builds a marker for each day on which two or more tokens expire. */
function clusterLines(plotted) {
    const counts = new Map();
    for (const { day } of plotted)
        counts.set(day, (counts.get(day) ?? 0) + 1);
    const clusters = [...counts].filter(([, count]) => count >= 2);
    if (clusters.length === 0)
        return [];
    return [
        '    section Same-day expiries',
        ...clusters.map(([day, count], index) => `    ${count} tokens expire on ${day} :crit, milestone, s${index + 1}, ${day}, 0d`),
    ];
}
/**
 * Makes a client name safe as a gantt task name. It removes `:`, which ends
 * the name, `#` and `;`, which the lexer reads as comment and separator,
 * `%%` comments, backticks that could close the Markdown fence, angle
 * brackets and line breaks. A leading keyword such as `section` gets a prefix.
 */
function sanitizeTaskName(name) {
    const cleaned = name
        .replace(/[:#;`<>\r\n\t]/g, ' ')
        .replace(/%+/g, '%')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 60)
        .trim();
    if (cleaned === '')
        return 'Client';
    return KEYWORDS.test(cleaned) ? `Client ${cleaned}` : cleaned;
}

;// CONCATENATED MODULE: ./src/report/issue-body.ts



const issue_body_DAY_MS = 86_400_000;
/** Marker before the run link, so a caller can compare two bodies without it. */
const DEFAULT_MAX_LENGTH = 65_000;
/** Renders the title and body of the tracking issue. */
function renderIssue(reports, options) {
    const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
    const sections = buildSections(reports.map(asState), options);
    const footer = options.runUrl
        ? [
            '',
            '---',
            `${RUN_LINK_MARKER}Last changed by [this run](${options.runUrl}).`,
        ]
        : [];
    fitSections(sections, maxLength - joinedLength(footer) - 1);
    const body = [...sections.flatMap(renderSection), ...footer].join('\n') + '\n';
    return {
        title: renderTitle(reports),
        body,
        needsAction: reports.some(needsPerson),
    };
}
/** Title such as "Meta tokens: 3 to re-authorize, 12 to move to System User". */
function renderTitle(reports) {
    const count = (test) => reports.filter(test).length;
    const parts = [
        [
            count((r) => r.status === 'expired' || r.status === 'invalid'),
            'to re-authorize',
        ],
        [count((r) => r.status === 'error'), 'not checked'],
        [count((r) => r.status === 'expiring'), 'expiring soon'],
        [count((r) => r.needsMigration), 'to move to System User'],
    ];
    const counted = parts
        .filter(([number]) => number > 0)
        .map(([number, words]) => `${formatCount(number)} ${words}`);
    return `Meta tokens: ${counted.length > 0 ? counted.join(', ') : 'all healthy'}`;
}
function buildSections(reports, options) {
    const actNow = reports.filter(isActNow).sort(byPriorityThenExpiry);
    const expiring = reports
        .filter((r) => r.status === 'expiring')
        .sort(byExpiryThenPriority);
    const migrate = reports
        .filter((r) => r.needsMigration)
        .sort(byPriorityThenExpiry);
    const healthy = reports
        .filter((r) => r.status === 'healthy' || r.status === 'refreshed')
        .sort(byPriorityThenExpiry);
    return [
        fixed(headLines(reports)),
        list([`## Act now (${formatCount(actNow.length)})`, ''], actNow.map(actNowItem), actNow.length),
        list([
            `## Expiring soon (${formatCount(expiring.length)})`,
            '',
            `This action cannot refresh these tokens, and they expire within ${plural(options.warnBeforeDays, 'day')}.`,
            '',
        ], expiring.map((report) => expiringItem(report, options.now)), expiring.length),
        list([`## Move to a System User token (${formatCount(migrate.length)})`, ''], migrate.map(migrateItem), migrate.length, migrate.length > 0 ? ['', ...HOW_TO_MIGRATE] : []),
        timeline(reports),
        details(healthy),
        list([
            `## In the clients file but not passed (${formatCount(options.unmatched.length)})`,
            '',
        ], [...options.unmatched].sort().map(unmatchedItem), options.unmatched.length),
    ];
}
function headLines(reports) {
    const waiting = reports.filter(needsPerson).length;
    const summary = reports.length === 0
        ? 'No client token was checked.'
        : waiting === 0
            ? `All ${plural(reports.length, 'client token')} are healthy and on System User tokens.`
            : `${plural(waiting, 'client needs', 'clients need')} a person, out of ${plural(reports.length, 'client token')}.`;
    return [ISSUE_MARKER, summary, '', '- [ ] Re-check now <!-- item:recheck -->'];
}
function fixed(lines) {
    return { before: lines, items: [], after: [], shown: 0, omitted: () => '' };
}
/** Builds a list section; an empty list renders nothing at all. */
function list(before, items, total, after = []) {
    if (total === 0)
        return fixed([]);
    return {
        before: ['', ...before],
        items,
        after,
        shown: items.length,
        omitted: omittedLine,
    };
}
function omittedLine(count) {
    return `- _${plural(count, 'more client')} not listed, to keep this issue under GitHub's size limit. The job summary and the \`report\` output list every client._`;
}
function timeline(reports) {
    const chart = renderGantt(reports, null);
    if (chart === null)
        return fixed([]);
    return {
        before: ['', '## Expiry dates', ''],
        items: [chart],
        after: [],
        shown: 1,
        omitted: () => "_The chart is left out to keep this issue under GitHub's size limit._",
    };
}
function details(healthy) {
    if (healthy.length === 0)
        return fixed([]);
    return {
        before: [
            '',
            `<details><summary>Healthy (${formatCount(healthy.length)})</summary>`,
            '',
        ],
        items: healthy.map(healthyItem),
        after: ['', '</details>'],
        shown: healthy.length,
        foldFirst: true,
        omitted: omittedLine,
    };
}
function renderSection(section) {
    const hidden = section.items.length - section.shown;
    return [
        ...section.before,
        ...section.items.slice(0, section.shown),
        ...(hidden > 0 ? [section.omitted(hidden)] : []),
        ...section.after,
    ];
}
/** Length of the rendered section, with one newline per line. */
function sectionLength(section) {
    const hidden = section.items.length - section.shown;
    const omitted = hidden > 0 ? section.omitted(hidden).length + 1 : 0;
    return (joinedLength(section.before) +
        itemsLength(section, section.shown) +
        omitted +
        joinedLength(section.after));
}
const itemPrefixLengths = new WeakMap();
/** Length of the first `count` items; prefix sums are computed once per section. */
function itemsLength(section, count) {
    let prefix = itemPrefixLengths.get(section);
    if (!prefix) {
        prefix = [0];
        for (const item of section.items) {
            prefix.push(prefix.at(-1) + item.length + 1);
        }
        itemPrefixLengths.set(section, prefix);
    }
    return prefix[count];
}
function joinedLength(lines) {
    return lines.reduce((sum, line) => sum + line.length + 1, 0);
}
/**
 * Cuts items from the ends of sections until the body fits in `budget`
 * characters. The healthy list goes first, because no person must act on it.
 * Then the longest other section is cut to the length of the next longest,
 * and so on, so every list keeps its first, most urgent items. Each cut
 * section ends with a line that counts what it left out.
 */
function fitSections(sections, budget) {
    const total = () => sections.reduce((sum, section) => sum + sectionLength(section), 0);
    for (const section of sections.filter((s) => s.foldFirst)) {
        shrinkTo(section, sectionLength(section) - (total() - budget));
    }
    for (;;) {
        const excess = total() - budget;
        if (excess <= 0)
            return;
        const ranked = sections
            .filter((section) => section.shown > 0)
            .map((section) => ({ section, length: sectionLength(section) }))
            .sort((a, b) => b.length - a.length);
        const longest = ranked[0];
        if (!longest)
            return;
        const nextLength = ranked[1]?.length ?? 0;
        const target = Math.min(Math.max(nextLength, longest.length - excess), longest.length - 1);
        shrinkTo(longest.section, target);
    }
}
/**
 * Hides items from the end until the section is at most `target` characters
 * long or shows none. Once an item is hidden, the length only grows with the
 * items shown (an item adds more than the "N more" line can lose), so a
 * binary search finds the count. Each length check renders that line, which
 * a search one item at a time would do thousands of times.
 */
function shrinkTo(section, target) {
    if (sectionLength(section) <= target)
        return;
    let fits = 0;
    let tooLong = section.shown;
    while (tooLong - fits > 1) {
        section.shown = Math.floor((fits + tooLong) / 2);
        if (sectionLength(section) <= target)
            fits = section.shown;
        else
            tooLong = section.shown;
    }
    section.shown = fits;
}
function ownerPart(report) {
    return report.owner ? ` · @${report.owner}` : '';
}
function expiryPart(report) {
    if (report.expiresAt === null) {
        return hasKnownExpiry(report) ? 'never expires' : 'expiry unknown';
    }
    const verb = report.status === 'expired' ? 'expired' : 'expires';
    return `${verb} ${formatDate(report.expiresAt)}`;
}
function nameAndSecret(report) {
    return `**${escapeText(report.client)}** (\`${report.secret}\`)`;
}
function detailLine(report) {
    const fix = report.fix ? ` **Fix:** ${escapeSentence(report.fix)}` : '';
    const note = report.note ? ` _Note: ${escapeText(report.note)}_` : '';
    return `  ${escapeSentence(report.reason)}${fix}${note}`;
}
function actNowItem(report) {
    const head = `- ${nameAndSecret(report)} · ${statusLabel(report.status)} · ${expiryPart(report)} · ${report.priority} priority${ownerPart(report)}`;
    return `${head}\n${detailLine(report)}`;
}
function expiringItem(report, now) {
    const head = `- ${nameAndSecret(report)} · ${expiryPart(report)}${countdown(report, now)} · ${report.priority} priority${ownerPart(report)}`;
    return `${head}\n${detailLine(report)}`;
}
/** Days left before the expiry, with the day they were counted on (see COUNTDOWN). */
function countdown(report, now) {
    if (report.expiresAt === null)
        return '';
    const left = Math.ceil((Date.parse(report.expiresAt) - now.getTime()) / issue_body_DAY_MS);
    if (!Number.isFinite(left) || left < 0)
        return '';
    return ` (${plural(left, 'day')} left as of ${formatDate(now)})`;
}
function migrateItem(report) {
    return `- [ ] ${nameAndSecret(report)} · ${report.priority} priority${ownerPart(report)} · ${tokenTypeLabel(report.tokenType)} token · ${expiryPart(report)} <!-- item:migrate:${report.secret} -->`;
}
function healthyItem(report) {
    return `- ${escapeText(report.client)} (\`${report.secret}\`) · ${tokenTypeLabel(report.tokenType)} token · ${expiryPart(report)}`;
}
/**
 * The issue shows each token's state, not what this run did: a token
 * refreshed today is healthy, as it will be on the next run, so the body
 * (and the notifications it sends) changes only when a state changes.
 */
function asState(report) {
    return report.status === 'refreshed'
        ? { ...report, status: 'healthy' }
        : report;
}
function unmatchedItem(secret) {
    return `- \`${secret}\`: listed in the clients file, but its secret was not passed to the action. Add it to \`tokens\`, or remove the entry.`;
}
const HOW_TO_MIGRATE = [
    '<details><summary>How to move a client to a System User token</summary>',
    '',
    '1. In Meta Business Settings, open **Users → System Users** and add a system user (or pick an existing one).',
    "2. **Assign assets**: give it the client's ad accounts, with the access the reports need.",
    '3. **Generate new token** for this app with the permissions `ads_read`, `ads_management` and `business_management`. Choose a token that never expires, or the 60-day kind that this action refreshes.',
    '4. Replace the secret named in the list with the new token (repository **Settings → Secrets and variables → Actions**, or `gh secret set NAME`).',
    '5. Tick the item. The next run checks the new token and removes the item when it is a System User token.',
    '',
    '</details>',
];

;// CONCATENATED MODULE: ./src/main.ts
/**
 * The Actions face: reads the inputs, runs the job, and turns the result into
 * outputs, a job summary, annotations, the tracking issue and the exit status.
 */

















const actionsLog = {
    info: (message) => core/* info */.pq(message),
    warning: (message, title) => core/* warning */.$e(message, title ? { title } : {}),
    error: (message, title) => core/* error */.z3(message, title ? { title } : {}),
    debug: (message) => core/* debug */.Yz(message),
};
const SILENT_LOG = {
    info: () => undefined,
    warning: () => undefined,
    error: () => undefined,
    debug: () => undefined,
};
/**
 * Runs the Action; every failure ends in one `setFailed` line. `early` is
 * the inspection index.ts started before this module loaded, if any.
 */
async function run(early = null) {
    logCancellation();
    try {
        await runAction(early);
    }
    catch (error) {
        if (!(error instanceof src_inputs/* InputError */.dz) && core/* isDebug */._o()) {
            core/* debug */.Yz(describeStack(error));
        }
        core/* setFailed */.C1((0,redact/* describeError */.Uc)(error));
    }
    finally {
        // An early inspection that the run never used (because the clients file
        // was invalid) must not keep the process alive. Requests that close()
        // aborts would log retries after the run's last line, so that log is dropped.
        early?.log.attach(SILENT_LOG);
        early?.graph.close();
    }
}
/**
 * Says in the log why a run ended early. A runner cancels a step with SIGINT
 * and then SIGTERM. The order of each refresh (exchange, verify, write,
 * revoke) leaves every secret with its old token or a verified new one.
 */
function logCancellation() {
    for (const [signal, code] of [
        ['SIGINT', 130],
        ['SIGTERM', 143],
    ]) {
        process.once(signal, () => {
            core/* warning */.$e(`The run was cancelled (${signal}). Each secret holds its old token or a verified new one; the next run finishes the work.`);
            process.exit(code);
        });
    }
}
async function runAction(early) {
    (0,redact/* onSecretRegistered */.AF)((value) => core/* setSecret */.Pq(value));
    early?.log.attach(actionsLog);
    const inputs = (0,src_inputs/* readInputs */.Ko)((name) => core/* getInput */.V4(name, { trimWhitespace: false }), process.env);
    const { settings } = inputs;
    // Tokens are parsed (and so registered for redaction) before the clients
    // file, whose error messages could otherwise quote one.
    const { tokens, secrets } = early?.passed ?? (0,src_clients/* readPassedTokens */.J7)(inputs);
    const entries = await loadClientsFile(inputs.clientsFile);
    const { clients, unmatched, ignored } = (0,src_clients/* buildClients */.Bo)({
        tokens,
        secrets,
        entries,
        defaultScope: settings.secretScope,
        secretPrefix: inputs.secretPrefix,
        log: actionsLog,
    });
    for (const entry of unmatched) {
        core/* warning */.$e(`${inputs.clientsFile}:${entry.line}: ${entry.secret} is listed but its secret was not passed to the action; add it to \`tokens\`.`);
    }
    if (ignored.length > 0) {
        core/* info */.pq(`Ignored as the clients file asks: ${ignored.join(', ')}.`);
    }
    const graph = early?.graph ??
        new graph_client/* GraphClient */.o({
            appId: settings.appId,
            appSecret: settings.appSecret,
            apiUrl: settings.graphApiUrl,
            version: settings.graphApiVersion,
            log: actionsLog,
        });
    const secretStore = settings.githubToken && !settings.dryRun
        ? new SecretStore(createOctokit({
            token: settings.githubToken,
            baseUrl: settings.githubApiUrl,
            log: actionsLog,
        }), settings.repository, actionsLog)
        : null;
    core/* info */.pq(`Checking ${clients.length} client token(s).`);
    const result = await core/* group */.Os('Inspect and refresh', () => runKeeper(settings, clients, {
        graph,
        secretStore,
        log: actionsLog,
        now: new Date(),
    }));
    logDecisions(result.reports);
    // When Meta rejected the credentials, the run's one error already covers
    // every client, so no client gets an annotation of its own.
    if (!result.inspectionFailed)
        annotate(result.reports);
    const issueNumber = await core/* group */.Os('Tracking issue', () => updateTrackingIssue(settings, result, unmatched.map((e) => e.secret)));
    await writeOutputs(settings, result, issueNumber);
    failIfNeeded(settings.failOn, result);
}
async function loadClientsFile(path) {
    let text;
    try {
        text = await (0,promises_.readFile)(path, 'utf8');
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT' && path === src_inputs/* DEFAULT_CLIENTS_FILE */.UV)
            return [];
        throw new src_inputs/* InputError */.dz(code === 'ENOENT'
            ? `Input \`clients-file\` names ${path}, which does not exist. Fix the path or remove the input.`
            : code === 'EISDIR'
                ? `Input \`clients-file\`: ${path} is a directory. Set the input to the clients YAML file, such as ${src_inputs/* DEFAULT_CLIENTS_FILE */.UV}.`
                : `Input \`clients-file\`: ${path} could not be read (${(0,redact/* describeError */.Uc)(error)}). Check the path and the file's permissions.`);
    }
    // The YAML parser loads only for a file outside the common layout.
    const entries = (0,clients_entries/* readCommonLayout */.wC)(text);
    if (entries)
        return entries;
    const { parseClientsDocument } = await Promise.all(/* import() */[__webpack_require__.e(815), __webpack_require__.e(14)]).then(__webpack_require__.bind(__webpack_require__, 4014));
    return parseClientsDocument(text, path);
}
/** Maximum number of decision lines in one write to the log. */
const DECISION_LINES_PER_WRITE = 500;
/**
 * Logs one line per client, DECISION_LINES_PER_WRITE lines per write. A
 * runner reads the log more slowly than a loop writes it, so one write per
 * line would keep thousands of small pending writes in memory.
 */
function logDecisions(reports) {
    for (let start = 0; start < reports.length; start += DECISION_LINES_PER_WRITE) {
        const lines = reports
            .slice(start, start + DECISION_LINES_PER_WRITE)
            .map(decisionLine);
        core/* info */.pq(lines.join('\n'));
    }
}
function decisionLine(report) {
    const expiry = report.expiresAt
        ? report.expiresAt.slice(0, 10)
        : hasKnownExpiry(report)
            ? 'never'
            : 'unknown';
    return `${report.client} (${report.secret}): ${report.status}, ${report.tokenType}, expires ${expiry}. ${report.reason}`;
}
/**
 * GitHub shows at most 10 error, 10 warning and 10 notice annotations per
 * step (actions/toolkit, docs/problem-matchers.md) and drops the rest. The
 * clients take at most this many of each kind, the most urgent first, so the
 * run's own errors and its final failure line stay visible.
 */
const CLIENT_ANNOTATIONS_PER_KIND = 8;
function annotate(reports) {
    const sorted = [...reports].sort(byPriorityThenExpiry);
    annotateKind(sorted.filter((report) => isActNow(report)), (report) => core/* error */.z3(clientMessage(report), clientTitle(report)), (count) => core/* error */.z3(`${plural(count, 'more client')} expired, invalid or not checked: see the job summary or the tracking issue.`, { title: 'More clients to re-authorize' }));
    annotateKind(sorted.filter((report) => report.status === 'expiring'), (report) => core/* warning */.$e(clientMessage(report), clientTitle(report)), (count) => core/* warning */.$e(`${plural(count, 'more client')} expiring soon: see the job summary or the tracking issue.`, { title: 'More clients expiring soon' }));
    annotateKind(sorted.filter((report) => report.needsMigration &&
        !isActNow(report) &&
        report.status !== 'expiring'), (report) => core/* notice */.lm(`${report.client} still uses a ${report.tokenType} token; move it to a System User token.`, { title: `${report.client}: move to a System User token` }), (count) => core/* notice */.lm(`${plural(count, 'more client')} to move to a System User token: see the job summary or the tracking issue.`, { title: 'More clients to move to a System User token' }));
}
/** Annotates each report, or the first ones and one line that counts the rest. */
function annotateKind(reports, one, rest) {
    if (reports.length <= CLIENT_ANNOTATIONS_PER_KIND) {
        reports.forEach(one);
        return;
    }
    const shown = CLIENT_ANNOTATIONS_PER_KIND - 1;
    reports.slice(0, shown).forEach(one);
    rest(reports.length - shown);
}
/** Joins the reason and the fix as two sentences, because a reason such as Meta's quoted error may lack its full stop. */
function clientMessage(report) {
    if (!report.fix)
        return report.reason;
    const reason = /[.!?]$/.test(report.reason)
        ? report.reason
        : `${report.reason}.`;
    return `${reason} ${report.fix}`;
}
function clientTitle(report) {
    return { title: `${report.client}: ${report.status}` };
}
async function updateTrackingIssue(settings, result, unmatched) {
    if (!settings.trackingIssue)
        return null;
    if (!settings.issueToken) {
        core/* warning */.$e('Input `issue-token` is empty, so the tracking issue was not updated. Pass `${{ github.token }}` with `issues: write`.');
        return null;
    }
    const content = renderIssue(result.reports, {
        now: new Date(),
        warnBeforeDays: settings.warnBeforeDays,
        runUrl: settings.runUrl,
        unmatched,
    });
    const outcome = await syncTrackingIssue({
        octokit: createOctokit({
            token: settings.issueToken,
            baseUrl: settings.githubApiUrl,
            log: actionsLog,
        }),
        repository: settings.repository,
        labels: settings.issueLabels,
        content,
        closeComment: 'Every client token is healthy and on a System User token. Closing.',
        log: actionsLog,
        dryRun: settings.dryRun,
    });
    if (outcome.action === 'failed') {
        core/* error */.z3(outcome.message, { title: 'Tracking issue not updated' });
        result.problems.push(outcome.message);
    }
    else {
        core/* info */.pq(outcome.message);
    }
    return outcome.number;
}
async function writeOutputs(settings, result, issueNumber) {
    // Each report is serialized once: the file and the output share the
    // pieces, and no string contains the whole array (several MB for thousands
    // of clients).
    const items = result.reports.map((report) => JSON.stringify(report));
    const reportFile = await writeReportFile(items);
    core/* setOutput */.uH('report', reportOutput(result.reports, items));
    core/* setOutput */.uH('report-file', reportFile);
    core/* setOutput */.uH('checked', result.totals.checked);
    core/* setOutput */.uH('refreshed', result.totals.refreshed);
    core/* setOutput */.uH('attention', result.totals.attention);
    core/* setOutput */.uH('issue-number', issueNumber ?? '');
    if (!process.env.GITHUB_STEP_SUMMARY) {
        core/* info */.pq('No GITHUB_STEP_SUMMARY file: the job summary was not written.');
        return;
    }
    await core/* summary */.z
        .addRaw(renderSummary(result.reports, result.totals, {
        dryRun: settings.dryRun,
        notes: result.problems,
    }))
        .write();
}
/** GitHub caps an output at 1 MB; the `report` output stays below this many bytes. */
const MAX_REPORT_OUTPUT_BYTES = 1_000_000;
/**
 * Returns the `report` output: every client, or, when that JSON would pass
 * GitHub's 1 MB limit, the clients a person must act on, as many as fit.
 * `report-file` always contains every client. `items` are the reports as JSON.
 */
function reportOutput(reports, items) {
    const bytes = items.reduce((sum, item) => sum + Buffer.byteLength(item) + 1, 1);
    if (bytes <= MAX_REPORT_OUTPUT_BYTES)
        return `[${items.join(',')}]`;
    const kept = [];
    let keptBytes = 2;
    for (const [index, report] of reports.entries()) {
        if (!needsPerson(report))
            continue;
        const item = items[index];
        keptBytes += Buffer.byteLength(item) + 1;
        if (keptBytes > MAX_REPORT_OUTPUT_BYTES)
            break;
        kept.push(item);
    }
    core/* warning */.$e(`The report of ${plural(reports.length, 'client')} is over GitHub's 1 MB limit for an output, so \`report\` lists only ${plural(kept.length, 'client')} a person must act on. Read every client from the file named by \`report-file\`.`);
    return `[${kept.join(',')}]`;
}
/** Reports written to the file per chunk. */
const REPORT_FILE_CHUNK = 500;
/**
 * Writes every client's report under RUNNER_TEMP as a JSON array, one client
 * per line, and returns the path. `items` are the reports as JSON.
 */
async function writeReportFile(items) {
    const directory = process.env.RUNNER_TEMP || (0,external_node_os_.tmpdir)();
    const path = (0,external_node_path_.join)(directory, `meta-token-keeper-report-${process.pid}.json`);
    await (0,promises_.writeFile)(path, jsonArrayChunks(items));
    return path;
}
/** Yields a JSON array of `items` in pieces of REPORT_FILE_CHUNK lines. */
function* jsonArrayChunks(items) {
    yield '[';
    for (let start = 0; start < items.length; start += REPORT_FILE_CHUNK) {
        const separator = start === 0 ? '\n' : ',\n';
        yield separator + items.slice(start, start + REPORT_FILE_CHUNK).join(',\n');
    }
    yield '\n]\n';
}
function failIfNeeded(failOn, result) {
    // Without a summary file, the one line per client in the log is the list.
    const listedIn = process.env.GITHUB_STEP_SUMMARY
        ? 'the job summary'
        : 'the log above';
    const reason = failureReason(failOn, result, listedIn);
    if (reason)
        core/* setFailed */.C1(reason);
}
/** The stack, redacted, for debug logging only (`ACTIONS_STEP_DEBUG`). */
function describeStack(error) {
    return (0,redact/* redact */.E$)(error instanceof Error ? (error.stack ?? error.message) : String(error));
}


/***/ })

};
