/**
 * The PAGE_TOKEN_SECRET every test server gets (a server with PG_DSN refuses to start without
 * one), so a test can forge page tokens exactly as someone holding a leaked key would.
 */
export const TEST_PAGE_TOKEN_SECRET = "spacet-test-page-token-secret-0123456789abcdef";
