/**
 * Requests and responses born with express's prototypes.
 *
 * express hands every request to its router only after `Object.setPrototypeOf(req, app.request)`
 * (and the same for the response). In V8 an object whose prototype changed after it was made
 * leaves the shared hidden classes: every property set on it afterwards (the request id, the
 * logger, the member, the variant, the patched `end` …) makes a hidden class of its own, with its
 * own descriptors, and hidden classes are made in the old generation. That was ~40 KB of old-space
 * garbage per request, most of what the heap promoted under load, and so most of the full
 * collections (docs/performance.md, "Requests born with express's prototypes").
 *
 * A server made with these options constructs its requests and responses as instances of classes
 * of their own, whose prototypes become `app.request` and `app.response` (with express's
 * methods under them, as before). express's setPrototypeOf then finds the prototype already in
 * place and changes nothing, and every request shares the same hidden classes. They must be
 * classes (`extends`): V8 keeps one hidden class for the instances of a derived class, while an
 * instance constructed for a plain function as `new.target` gets a new one each time.
 */
import http from 'node:http';

/** The two properties of an express application this changes. */
export interface ExpressPrototypes {
  request: object;
  response: object;
}

/**
 * http.createServer's options whose requests and responses are born with `app`'s prototypes.
 * Replaces `app.request` and `app.response` by the classes' prototypes, which carry what they
 * carried (their own properties, `app`) and sit on what they sat on: call it once per app, before
 * the app serves.
 */
export function bornWithPrototypes(app: ExpressPrototypes): http.ServerOptions {
  class AppRequest extends http.IncomingMessage {}
  class AppResponse extends http.ServerResponse {}
  app.request = adopt(AppRequest.prototype, app.request);
  app.response = adopt(AppResponse.prototype, app.response);
  // (ServerResponse's type is generic in its request; these are the plain ones.)
  return { IncomingMessage: AppRequest, ServerResponse: AppResponse as typeof http.ServerResponse };
}

/** `prototype`, made to stand in for `was`: the same own properties, the same prototype beneath. */
function adopt(prototype: object, was: object): object {
  Object.setPrototypeOf(prototype, Object.getPrototypeOf(was) as object | null);
  for (const key of Reflect.ownKeys(was)) Object.defineProperty(prototype, key, Reflect.getOwnPropertyDescriptor(was, key)!);
  return prototype;
}
