/** A REST answer: status and the JSON body (every SpaceT answer, errors included, is JSON). */
export interface RestAnswer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary answer fields
  readonly body: Record<string, any>;
}

/** Calls the REST gateway at `baseUrl()` (read per call: the server starts in a before hook). */
export function restCaller(baseUrl: () => string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RestAnswer> => {
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as RestAnswer["body"] };
  };
}
