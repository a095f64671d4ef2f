export const id = 14;
export const ids = [14];
export const modules = {

/***/ 4014:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseClientsDocument: () => (/* binding */ parseClientsDocument)
/* harmony export */ });
/* unused harmony export parseClientsFile */
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8815);
/* harmony import */ var _inputs_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8422);
/* harmony import */ var _clients_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9071);
/* harmony import */ var _clients_entries_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2430);
/* harmony import */ var _redact_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6670);
/**
 * The clients file (`.github/meta-clients.yml`) read with the YAML parser,
 * which keeps the position of every node, so that each error names the
 * file, the line and the field. The Action loads this module only for a
 * file that clients-entries.ts cannot read in the common layout.
 */





/**
 * Parses the clients file (YAML). An empty file or an empty `clients` map
 * gives no entry. Throws InputError naming the file, the line and the field
 * of the first problem found.
 */
function parseClientsFile(text, path) {
    return readCommonLayout(text) ?? parseClientsDocument(text, path);
}
/**
 * Parses the clients file with the YAML parser, which keeps the position of
 * every node for error messages. parseClientsFile returns the same entries
 * for every file that the line reader reads.
 */
function parseClientsDocument(text, path) {
    const lineCounter = new yaml__WEBPACK_IMPORTED_MODULE_0__/* .LineCounter */ .HN();
    // The parser's own check for repeated keys compares every key with every
    // other (quadratic in the number of clients); the checks below do it with
    // a map and say which line came first.
    const document = (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .parseDocument */ .Tp)(text, {
        lineCounter,
        prettyErrors: false,
        uniqueKeys: false,
    });
    const lineAt = (offset) => offset === undefined ? 1 : lineCounter.linePos(offset).line;
    const file = {
        path,
        lineOf: (node) => lineAt(nodeStart(node)),
    };
    const syntaxError = document.errors[0];
    if (syntaxError) {
        throw new _inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${path}:${lineAt(syntaxError.pos[0])}: invalid YAML (${shortReason(syntaxError.message)}). Fix the syntax on that line.`);
    }
    const root = document.contents;
    if (isEmpty(root))
        return [];
    if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isMap */ .jh)(root)) {
        throw new _inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${path}:${file.lineOf(root)}: the file must be a map with one key, \`clients\`. Start it with \`clients:\`.`);
    }
    checkTopLevel(root, file);
    const clients = root.get('clients', true);
    if (isEmpty(clients))
        return [];
    if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isMap */ .jh)(clients)) {
        throw new _inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${path}:${file.lineOf(clients)}: \`clients\` must be a map of secret names to settings.`);
    }
    return readEntries(clients, document, file);
}
function isEmpty(node) {
    return (node === null ||
        node === undefined ||
        ((0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isScalar */ .jn)(node) && node.value === null));
}
function checkTopLevel(root, file) {
    checkRepeatedKeys(root, 'the file', file);
    const unknown = root.items.find((pair) => keyText(pair.key) !== 'clients');
    if (!unknown)
        return;
    throw new _inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${file.path}:${file.lineOf(unknown.key)}: unknown top-level key ${(0,_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .quote */ .hD)(keyText(unknown.key))}. The file has one top-level key, \`clients\`.`);
}
/** Throws InputError when a key of a small map (the top level, one entry) appears twice. */
function checkRepeatedKeys(map, owner, file) {
    const firstLine = new Map();
    for (const pair of map.items) {
        const key = keyText(pair.key);
        const first = firstLine.get(key);
        if (first !== undefined) {
            throw new _inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${file.path}:${file.lineOf(pair.key)}: key ${(0,_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .quote */ .hD)(key)} of ${owner} appears twice (first on line ${first}). Keep one.`);
        }
        firstLine.set(key, file.lineOf(pair.key));
    }
}
function readEntries(clients, document, file) {
    const entries = [];
    const firstLine = new Map();
    for (const pair of clients.items) {
        const line = file.lineOf(pair.key);
        const where = `${file.path}:${line}`;
        const key = keyText(pair.key);
        if ((0,_redact_js__WEBPACK_IMPORTED_MODULE_4__/* .looksLikeCredential */ .Pv)(key)) {
            throw new _inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${where}: a key looks like an access token, not a secret name, so it is not shown. Use the secret's name as the key, and revoke a token that was committed.`);
        }
        if (!(0,_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .isValidSecretName */ .Eg)(key)) {
            throw new _inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${where}: secret name ${(0,_clients_js__WEBPACK_IMPORTED_MODULE_2__/* .showName */ .$i)(key)} is invalid. Use the GitHub secret's name: ${_clients_js__WEBPACK_IMPORTED_MODULE_2__/* .NAME_RULE */ .$h}.`);
        }
        const secret = key.toUpperCase();
        const first = firstLine.get(secret);
        if (first !== undefined) {
            throw new _inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${where}: ${secret} is listed twice (first on line ${first}; GitHub secret names ignore case). Keep one entry.`);
        }
        firstLine.set(secret, line);
        entries.push(readEntry(secret, pair.value, line, document, file));
    }
    return entries;
}
function readEntry(secret, node, line, document, file) {
    if (isEmpty(node))
        return (0,_clients_entries_js__WEBPACK_IMPORTED_MODULE_3__/* .defaultEntry */ .q7)(secret, line);
    if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isMap */ .jh)(node)) {
        throw new _inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${file.path}:${file.lineOf(node)}: the settings of ${secret} must be a map with the fields ${_clients_entries_js__WEBPACK_IMPORTED_MODULE_3__/* .FIELD_LIST */ .G}.`);
    }
    checkRepeatedKeys(node, secret, file);
    const plain = toPlain(node, document, file);
    const parsed = _clients_entries_js__WEBPACK_IMPORTED_MODULE_3__/* .entrySchema */ .Oo.safeParse(plain);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new _inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(describeEntryIssue(issue, secret, node, plain, file));
    }
    return (0,_clients_entries_js__WEBPACK_IMPORTED_MODULE_3__/* .toClientEntry */ .J2)(secret, parsed.data, line);
}
/** Converts one entry to plain values; aliases are expanded, at most 100 of them. */
function toPlain(node, document, file) {
    try {
        return node.toJS(document, { maxAliasCount: 100 });
    }
    catch (error) {
        // The yaml package throws here for an alias that expands too often.
        const reason = error instanceof Error ? error.message : 'unknown error';
        throw new _inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${file.path}:${file.lineOf(node)}: invalid YAML (${shortReason(reason)}). Fix the syntax on that line.`);
    }
}
function describeEntryIssue(issue, secret, node, plain, file) {
    const fieldLine = (field) => file.lineOf(node.items.find((pair) => keyText(pair.key) === field)?.key);
    if (issue.code === 'unrecognized_keys') {
        const field = issue.keys[0] ?? '';
        return `${file.path}:${fieldLine(field)}: unknown field ${(0,_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .quote */ .hD)(field)} in ${secret}. The fields are ${_clients_entries_js__WEBPACK_IMPORTED_MODULE_3__/* .FIELD_LIST */ .G}.`;
    }
    const field = String(issue.path[0] ?? '');
    const rule = _clients_entries_js__WEBPACK_IMPORTED_MODULE_3__/* .FIELD_RULES */ .Jx[field] ?? 'valid';
    return `${file.path}:${fieldLine(field)}: field \`${field}\` of ${secret} must be ${rule}, got ${describeYamlValue(plain[field])}. Fix the value or remove the field.`;
}
function describeYamlValue(value) {
    if (Array.isArray(value))
        return 'a list';
    if (value !== null && typeof value === 'object')
        return 'a map';
    return (0,_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .quote */ .hD)(String(value));
}
function keyText(key) {
    if ((0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isScalar */ .jn)(key))
        return String(key.value);
    return String(key);
}
function nodeStart(node) {
    if (node && typeof node === 'object' && 'range' in node) {
        const range = node.range;
        return range?.[0];
    }
    return undefined;
}
/** First line of a parser message, redacted and short. */
function shortReason(message) {
    const first = (0,_redact_js__WEBPACK_IMPORTED_MODULE_4__/* .redact */ .E$)(message.split('\n')[0] ?? '').trim();
    return first.length > 120 ? `${first.slice(0, 117)}...` : first;
}


/***/ })

};
