/**
 * Version of the Tandem wire protocol described in PROTOCOL.md.
 * Bump it on any change a client built for the previous version would misread;
 * the server refuses joins that name another version.
 */
export const PROTOCOL_VERSION = 2;
