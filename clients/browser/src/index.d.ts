/** What `connect` is told. Every option is optional. */
export interface ConnectOptions {
  /** The broker's base URL (its `/api/v1/sse/...` endpoints live under it); default: this page's origin. */
  url?: string;
  /** The topics this tab wants, besides its user stream and the broadcasts. */
  topics?: string[];
  /** Send cookies (the application's own authentication, `User` mode), also to another origin. */
  credentials?: boolean;
  /** A fresh, single-use stream ticket for these topics, asked for before every connect. */
  ticket?: (topics: string[]) => string | Promise<string>;
  /** A bearer token (or a function giving the current one): the client buys each ticket with it from `POST /ticket`. It never goes into a URL. */
  token?: string | (() => string | Promise<string>);
  /** Buy tickets from `POST /ticket` with the cookies only (`credentials`), without a token. */
  tickets?: boolean;
  /** Extra query parameters of the stream request, e.g. `{ user_id }` with the development authenticator. */
  query?: Record<string, string>;
  /** Share one stream among the tabs of this origin and user (default true); without Web Locks and BroadcastChannel each tab streams alone. */
  share?: boolean;
  /** Who the tabs belong to, for sharing: tabs of another user never share a stream. Default: `query.user_id`, else one key per origin. */
  user?: string;
  /** Resume from this event id on the first connect (e.g. one kept in storage). */
  lastEventId?: string;
  /** The shortest wait before a reconnect, in ms (default 1000); it doubles per failure, jittered, up to `maxDelay` (30000). */
  minDelay?: number;
  maxDelay?: number;
}

/** One event, delivered once to each tab whose streams it belongs to. */
export interface BrokerEvent {
  /** The event name (`message` when the server wrote none). */
  type: string;
  data: string;
  /** The connection's id after this event (a position vector with history on). */
  lastEventId: string | null;
  /** `user`, `broadcast` or `topic:<name>`; null when the server runs without history. */
  stream: string | null;
}

export type State = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface Status {
  state: State;
  /** Why the last attempt ended (a refusal with its status code, `closed by the server: ...`, a network error). */
  reason?: string;
  /** When open: the broker's id of the connection (the shared one, in a tab that shares it). */
  clientId?: string;
}

export interface Subscription {
  /** Calls `handler` for each event named `name` (`'*'`: every event but heartbeats). Returns a function that removes it. */
  on(name: string, handler: (event: BrokerEvent) => void): () => void;
  /** Calls `handler` with the streams (`user`, `topic:<name>`, `broadcast`) whose events may have been missed: refetch their state. */
  onReset(handler: (streams: string[]) => void): () => void;
  /** Calls `handler` now with the current status and on every change. */
  onStatus(handler: (status: Status) => void): () => void;
  readonly status: Status;
  /** True while this tab receives a stream shared with other tabs. */
  readonly shared: boolean;
  /** Stops for good; another tab takes over the shared stream. */
  close(): void;
}

export function connect(options?: ConnectOptions): Subscription;
