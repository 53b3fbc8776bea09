import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyPreface, HTTP2_PREFACE } from "./preface.js";

describe("classifyPreface", () => {
  const cases: [string, Buffer, "h2" | "http1" | undefined][] = [
    ["an empty read", Buffer.alloc(0), undefined],
    ["a lone P (could be PRI, POST, PUT or PATCH)", Buffer.from("P"), undefined],
    ["PR", Buffer.from("PR"), undefined],
    ["23 bytes of the preface", HTTP2_PREFACE.subarray(0, 23), undefined],
    ["the full preface", HTTP2_PREFACE, "h2"],
    ["the preface followed by a SETTINGS frame", Buffer.concat([HTTP2_PREFACE, Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]), "h2"],
    ["GET", Buffer.from("GET / HTTP/1.1\r\n"), "http1"],
    ["a lone G", Buffer.from("G"), "http1"],
    ["PO (POST)", Buffer.from("PO"), "http1"],
    ["PU (PUT)", Buffer.from("PU"), "http1"],
    ["PA (PATCH)", Buffer.from("PA"), "http1"],
    ["PRI with a wrong version", Buffer.from("PRI * HTTP/1.1\r\n"), "http1"],
    ["TLS ClientHello", Buffer.from([0x16, 0x03, 0x01]), "http1"],
  ];
  for (const [name, bytes, want] of cases) {
    it(`classifies ${name} as ${want ?? "undecided"}`, () => assert.equal(classifyPreface(bytes), want));
  }
});
