export type { TestClientOptions, TestRequestOptions } from './test-client.ts';
export { connectTestClient, TestClient } from './test-client.ts';
