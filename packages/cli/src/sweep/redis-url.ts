import { errors } from "@lrsim/core";

/** A Redis server as a sweep reaches it: the connection settings, and the URL fit to show. */
export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly tls: boolean;
  /** The URL with its password replaced by `***`: the only form that reaches output, logs or the database. */
  readonly masked: string;
}

const DEFAULT_PORT = 6379;

/**
 * Parses `redis://[[user]:password@]host[:port][/db]` (or `rediss://` for TLS). A URL that is
 * not one is an error that shows it masked; the password never appears in a message.
 */
export function parseRedisUrl(text: string, option = "--redis"): RedisTarget {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw errors.invalidOption(option, "a URL redis://[:password@]host[:port][/db]", maskRedisUrl(text));
  }
  const problem = (requirement: string) => errors.invalidOption(option, requirement, maskRedisUrl(text));
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") throw problem("a redis:// or rediss:// URL");
  if (!url.hostname) throw problem("a URL with a host (redis://host:6379)");
  const port = url.port === "" ? DEFAULT_PORT : Number(url.port);
  const path = url.pathname.replace(/^\//, "");
  const db = path === "" ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0)
    throw problem("a URL whose path is a database number (redis://host:6379/0)");
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    db,
    username: url.username === "" ? undefined : decodeURIComponent(url.username),
    password: url.password === "" ? undefined : decodeURIComponent(url.password),
    tls: url.protocol === "rediss:",
    masked: maskRedisUrl(text),
  };
}

/**
 * The URL with any password replaced by `***` (`redis://:***@host:6379/0`). Works on text that
 * does not parse as a URL too, so even an error about a malformed URL cannot leak it.
 */
export function maskRedisUrl(text: string): string {
  return text.trim().replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/]*)@/i, (_, scheme: string, auth: string) => {
    const colon = auth.indexOf(":");
    return colon < 0 ? `${scheme}${auth}@` : `${scheme}${auth.slice(0, colon)}:***@`;
  });
}

/** `text` with every occurrence of the target's password replaced by `***` (for errors from the client). */
export function scrubPassword(text: string, target: RedisTarget): string {
  const secrets = [target.password, target.password && encodeURIComponent(target.password)].filter(
    (s): s is string => typeof s === "string" && s.length > 0,
  );
  return secrets.reduce((t, secret) => t.split(secret).join("***"), text);
}

/** The URL a sweep uses: `--redis`, else `LRSIM_REDIS` (an empty one counts as unset), else none. */
export function redisUrlOf(option: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (option !== undefined && option.trim() !== "") return option;
  return env.LRSIM_REDIS?.trim() ? env.LRSIM_REDIS : undefined;
}
