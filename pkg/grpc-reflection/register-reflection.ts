import { create, fromBinary, toBinary, type DescService } from "@bufbuild/protobuf";
import { Code, type ConnectRouter } from "@connectrpc/connect";
import * as v1 from "../../gen/grpc/reflection/v1/reflection_pb.js";
import * as v1alpha from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { createDescriptorIndex, type DescriptorIndex } from "./descriptor-index.js";

type MessageResponse = v1.ServerReflectionResponse["messageResponse"];

/**
 * Registers gRPC server reflection (grpc.reflection.v1 and v1alpha) on a Connect router, so
 * `buf curl`, grpcurl and Postman can list and call services without .proto files. There is no
 * npm package for Connect (connect-es #507), and `@grpc/reflection` serves mangled descriptors.
 *
 * Lists `services`, every other service registered on the router when the first reflection
 * request arrives (health, for example) and reflection itself. Descriptors come from protobuf-es
 * embedded descriptors, including transitive imports and well-known types.
 */
export function registerReflection(router: ConnectRouter, services: readonly DescService[]): void {
  let index: DescriptorIndex | undefined;
  // Built lazily: by the first request, the router holds every service the server registered.
  const getIndex = (): DescriptorIndex =>
    (index ??= createDescriptorIndex([...services, ...router.handlers.map((h) => h.service), v1.ServerReflection, v1alpha.ServerReflection]));

  async function* serve(requests: AsyncIterable<v1.ServerReflectionRequest>): AsyncIterable<v1.ServerReflectionResponse> {
    const sent = new Set<string>();
    for await (const req of requests) {
      yield create(v1.ServerReflectionResponseSchema, { validHost: req.host, originalRequest: req, messageResponse: answer(getIndex(), req, sent) });
    }
  }

  router.service(v1.ServerReflection, { serverReflectionInfo: serve });
  // v1alpha is wire-identical to v1: translate through the binary form.
  router.service(v1alpha.ServerReflection, {
    async *serverReflectionInfo(requests) {
      const asV1 = async function* () {
        for await (const req of requests) yield fromBinary(v1.ServerReflectionRequestSchema, toBinary(v1alpha.ServerReflectionRequestSchema, req));
      };
      for await (const res of serve(asV1())) {
        yield fromBinary(v1alpha.ServerReflectionResponseSchema, toBinary(v1.ServerReflectionResponseSchema, res));
      }
    },
  });
}

function answer(index: DescriptorIndex, req: v1.ServerReflectionRequest, sent: Set<string>): MessageResponse {
  const files = (file: ReturnType<DescriptorIndex["fileByName"]>, what: string): MessageResponse =>
    file
      ? { case: "fileDescriptorResponse", value: create(v1.FileDescriptorResponseSchema, { fileDescriptorProto: index.serialize(file, sent) }) }
      : error(Code.NotFound, `${what} not found`);
  const r = req.messageRequest;
  switch (r.case) {
    case "listServices":
      return {
        case: "listServicesResponse",
        value: create(v1.ListServiceResponseSchema, { service: index.serviceNames.map((name) => ({ name })) }),
      };
    case "fileByFilename":
      return files(index.fileByName(r.value), `file "${r.value}"`);
    case "fileContainingSymbol":
      return files(index.fileContainingSymbol(r.value), `symbol "${r.value}"`);
    case "fileContainingExtension": {
      const { containingType, extensionNumber } = r.value;
      return files(index.fileContainingExtension(containingType, extensionNumber), `extension ${extensionNumber} of "${containingType}"`);
    }
    case "allExtensionNumbersOfType": {
      const numbers = index.extensionNumbersOf(r.value);
      if (!numbers) return error(Code.NotFound, `type "${r.value}" not found`);
      return {
        case: "allExtensionNumbersResponse",
        value: create(v1.ExtensionNumberResponseSchema, { baseTypeName: r.value, extensionNumber: numbers }),
      };
    }
    default:
      return error(Code.InvalidArgument, "empty reflection request");
  }
}

function error(code: Code, message: string): MessageResponse {
  return { case: "errorResponse", value: create(v1.ErrorResponseSchema, { errorCode: code, errorMessage: message }) };
}
