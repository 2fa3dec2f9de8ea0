// The parts of oidc-provider 9's API the sandbox uses (the package ships no types).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface InteractionPrompt {
    name: string;
    reasons: string[];
    details: Record<string, unknown>;
  }

  export interface Interaction {
    uid: string;
    prompt: InteractionPrompt;
    params: Record<string, unknown>;
    session?: { accountId?: string };
    grantId?: string;
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface AccessTokenInstance {
    jti: string;
    accountId?: string;
    clientId?: string;
    exp?: number;
    scope?: string;
    isExpired: boolean;
    isValid: boolean;
    destroy(): Promise<void>;
  }

  export interface ClientInstance {
    clientId: string;
    redirectUriAllowed(value: string): boolean;
  }

  export interface OidcError extends Error {
    error?: string;
    error_description?: string;
    error_detail?: string;
  }

  export interface KoaContext {
    oidc?: {
      params?: Record<string, unknown>;
      client?: ClientInstance;
      route?: string;
    };
  }

  export const errors: {
    InvalidTarget: new (description?: string) => Error;
  };

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: string, listener: (ctx: KoaContext, error?: OidcError) => void): this;
    Grant: {
      new (properties: { accountId: string; clientId: string }): GrantInstance;
      find(id: string): Promise<GrantInstance | undefined>;
    };
    AccessToken: { find(value: string): Promise<AccessTokenInstance | undefined> };
    Client: { prototype: ClientInstance; find(id: string): Promise<ClientInstance | undefined> };
  }
}
