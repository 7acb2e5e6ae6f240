/** The oidc-provider peer's one client and resource indicator, shared by the server and the load. */
export const peerClient = { id: 'bench-ci', secret: 'bench-client-secret-0123456789abcdef' };
export const peerResource = 'urn:tokenhub:registry';
