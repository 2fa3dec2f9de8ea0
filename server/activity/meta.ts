/** `_meta` key on an `isError` tool result carrying the error's stable code (set by `runTool`). */
export const ERROR_CODE_META = 'care.eka/error-code';
