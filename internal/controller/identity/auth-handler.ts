import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { Role } from "../../../gen/spacet/v1/access_pb.js";
import { type AuthService, type User as UserMsg, UserSchema } from "../../../gen/spacet/v1/auth_pb.js";
import type { GetMe } from "../../app/identity/get-me.js";
import type { Login } from "../../app/identity/login.js";
import type { Register } from "../../app/identity/register.js";
import type { UserProfile } from "../../domain/identity/user.js";
import { clientAddressKey, requirePrincipal } from "../auth/context-keys.js";

const ROLE: Record<UserProfile["role"], Role> = { user: Role.USER, operator: Role.OPERATOR };

function userToProto(user: UserProfile): UserMsg {
  return create(UserSchema, {
    userId: user.id,
    username: user.username,
    email: user.email,
    role: ROLE[user.role],
    createTime: timestampFromDate(user.createdAt),
  });
}

/** spacet.v1.AuthService: register, log in, and who am I. */
export function createAuthHandler(uc: { register: Register; login: Login; getMe: GetMe }): ServiceImpl<typeof AuthService> {
  return {
    async register(req) {
      return { user: userToProto(await uc.register({ username: req.username, email: req.email, password: req.password })) };
    },
    async login(req, ctx) {
      const result = await uc.login({ username: req.username, password: req.password, clientAddress: ctx.values.get(clientAddressKey) });
      return { accessToken: result.token, tokenType: "Bearer", expireTime: timestampFromDate(result.expiresAt), user: userToProto(result.user) };
    },
    async getMe(_req, ctx) {
      return { user: userToProto(await uc.getMe(requirePrincipal(ctx))) };
    },
  };
}
