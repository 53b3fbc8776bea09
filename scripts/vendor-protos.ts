/**
 * Vendors third-party protos into third_party/protos (run when bumping these packages).
 *
 * Our machines reach npm but not the Buf Schema Registry, so buf.yaml has no `deps:`. The
 * google.api and google.rpc protos come from google-proto-files, health and reflection from
 * the grpc-js packages, and validate.proto is printed from @bufbuild/protovalidate's embedded
 * descriptor so compile-time rules match the runtime exactly.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { file_buf_validate_validate } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { descriptorToProto } from "./descriptor-to-proto.js";

const out = "third_party/protos";
const packages = ["google-proto-files@5.0.3", "grpc-health-check@2.1.0", "@grpc/reflection@1.0.4"];
const files: [pkg: string, from: string, to: string][] = [
  ["google-proto-files", "google/api/annotations.proto", "google/api/annotations.proto"],
  ["google-proto-files", "google/api/http.proto", "google/api/http.proto"],
  ["google-proto-files", "google/rpc/status.proto", "google/rpc/status.proto"],
  ["google-proto-files", "google/rpc/error_details.proto", "google/rpc/error_details.proto"],
  ["grpc-health-check", "proto/health/v1/health.proto", "grpc/health/v1/health.proto"],
  ["grpc-reflection", "build/proto/grpc/reflection/v1/reflection.proto", "grpc/reflection/v1/reflection.proto"],
  ["grpc-reflection", "build/proto/grpc/reflection/v1alpha/reflection.proto", "grpc/reflection/v1alpha/reflection.proto"],
];

const tmp = mkdtempSync(join(tmpdir(), "vendor-protos-"));
execFileSync("npm", ["pack", "--silent", ...packages], { cwd: tmp, stdio: ["ignore", "ignore", "inherit"] });
for (const tgz of readdirSync(tmp).filter((f) => f.endsWith(".tgz"))) {
  const dir = join(tmp, tgz.replace(/-\d+\.\d+\.\d+\.tgz$/, "").replace(/^grpc-reflection$/, "grpc-reflection"));
  mkdirSync(dir, { recursive: true });
  execFileSync("tar", ["-xzf", join(tmp, tgz), "-C", dir, "--strip-components=1"]);
}
for (const [pkg, from, to] of files) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  cpSync(join(tmp, pkg, from), join(out, to));
}
mkdirSync(join(out, "buf/validate"), { recursive: true });
writeFileSync(
  join(out, "buf/validate/validate.proto"),
  descriptorToProto(
    file_buf_validate_validate,
    "// Copyright 2023-2025 Buf Technologies, Inc. Licensed under the Apache License, Version 2.0.\n" +
      "// Printed from the descriptor embedded in @bufbuild/protovalidate@1.3.0 by scripts/vendor-protos.ts.",
  ),
);
console.log(`vendored ${files.length + 1} protos into ${out}`);
