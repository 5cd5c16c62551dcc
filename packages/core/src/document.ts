/**
 * The longest input, checks file or document accepted, in characters: far above any real suite or record, far
 * below what would stall a runner. A longer one is refused before it is parsed.
 */
export const MAX_DOCUMENT_CHARS = 1024 * 1024;
