// Type declarations for leak-detector-agent (the package itself is plain CommonJS).

import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface AgentOptions {
  /** Readiness probe path; answers 503 in maintenance. Default '/ready'; null disables. */
  readinessPath?: string | null;
  /** Liveness probe path; always 200. Default '/health'; null disables. */
  livenessPath?: string | null;
  /** File whose presence means maintenance. Default $LEAK_DETECTOR_AGENT_MAINTENANCE_FILE or '/tmp/maintenance'; null disables. */
  maintenanceFile?: string | null;
  /** How often the maintenance file is checked. Default 500. */
  filePollIntervalMs?: number;
  /** Control channel port on 127.0.0.1. Default $LEAK_DETECTOR_AGENT_PORT or 9339; 0 disables. */
  controlPort?: number;
  /** Shared token for the control channel. Default $LEAK_DETECTOR_AGENT_TOKEN; null = none. */
  token?: string | null;
  /** Retry-After seconds on 503 answers. Default 5. */
  retryAfterSeconds?: number;
  /** Default drain timeout for maintenanceOn(). Default 10000. */
  drainTimeoutMs?: number;
  /** Where messages go. Default: console; null silences the agent. */
  logger?: { info?(msg: string): void; warn?(msg: string): void } | null;
  /** Environment to read the LEAK_DETECTOR_AGENT_* variables from. Default process.env. */
  env?: Record<string, string | undefined>;
}

export type MaintenanceSource = 'api' | 'control' | 'file' | null;

export interface MaintenanceState {
  maintenance: boolean;
  maintenanceSource: MaintenanceSource;
  inFlight: number;
}

export interface AgentStatus extends MaintenanceState {
  pid: number;
  memory: NodeJS.MemoryUsage;
  heapLimit: number;
  uptimeSeconds: number;
  agentVersion: string;
  nodeVersion: string;
  maintenanceFile: string | null;
  readinessPath: string | null;
  livenessPath: string | null;
}

export interface SnapshotResult {
  file: string;
  bytes: number;
  durationMs: number;
}

export interface GcResult {
  method: 'global.gc' | 'expose-gc';
  durationMs: number;
  before: NodeJS.MemoryUsage;
  after: NodeJS.MemoryUsage;
  freedBytes: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;
type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

export declare class LeakDetectorAgent extends EventEmitter {
  constructor(options?: AgentOptions);
  readonly inMaintenance: boolean;
  readonly maintenanceSource: MaintenanceSource;
  readonly inFlight: number;
  readonly maintenanceFile: string | null;
  /** Answers probes/503s and returns true, or counts the request in flight and returns false. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  wrap(handler: Handler): Handler;
  middleware(): Middleware;
  maintenanceOn(options?: { drainTimeoutMs?: number }): Promise<MaintenanceState & { drained: boolean }>;
  maintenanceOff(): Promise<MaintenanceState>;
  waitForDrain(timeoutMs?: number): Promise<boolean>;
  checkMaintenanceFile(): Promise<void>;
  status(): AgentStatus;
  writeHeapSnapshot(file: string): SnapshotResult;
  gc(): GcResult;
  controlAddress(): Promise<{ address: string; port: number } | null>;
  close(): Promise<void>;
  on(event: 'maintenance', listener: (e: { maintenance: boolean; source: MaintenanceSource; inFlight: number }) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

export declare function create(options?: AgentOptions): LeakDetectorAgent;

export interface LeakStats {
  arrayItems: number;
  closureListeners: number;
  estimatedBytes: number;
  running: boolean;
}

export declare class LeakedRequest {
  constructor(id: number);
  id: number;
  method: string;
  url: string;
  receivedAt: Date;
  headers: Record<string, string>;
  payload: string;
}

export declare class MemoryLeakSimulator {
  startArrayLeak(itemsPerSecond?: number): void;
  startClosureLeak(listenersPerSecond?: number): void;
  getLeakStats(): LeakStats;
  stopLeaks(): void;
  clearLeaks(): void;
}

/** Writes a heap snapshot of this process (absolute *.heapsnapshot path, 0600, atomic rename). */
export declare function writeHeapSnapshot(file: string): SnapshotResult;
export declare function runFullGc(): GcResult;

export declare const DEFAULTS: Readonly<{
  readinessPath: string;
  livenessPath: string;
  maintenanceFile: string;
  filePollIntervalMs: number;
  controlPort: number;
  retryAfterSeconds: number;
  drainTimeoutMs: number;
}>;
export declare const ENV: Readonly<{ port: string; token: string; maintenanceFile: string }>;
export declare const version: string;
