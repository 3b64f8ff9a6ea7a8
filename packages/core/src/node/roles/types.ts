/** What every role's wiring receives from `startNode` and what it hands back. */
import type { DataAvailability } from "../../da/types.ts";
import type { RpcBackend } from "../../rpc/backend.ts";
import type { MethodTable } from "../../rpc/context.ts";
import type { StatusSource } from "../../rpc/statusSource.ts";
import type { Settlement } from "../../settlement/ports.ts";
import type { Logger, MetricsFactory } from "../../telemetry.ts";
import type { OpenedChain } from "../chainSetup.ts";
import type { NodeConfig } from "../config.ts";

export interface RoleContext {
  readonly config: NodeConfig;
  readonly logger: Logger;
  readonly metrics: MetricsFactory;
  readonly chain: OpenedChain;
  /** The configured DA provider's client (the `memory` provider when none is configured). */
  readonly da: DataAvailability;
  /** The configured L1, when `settlement.provider` is not `none`. */
  readonly settlement: Settlement | undefined;
}

export interface RunningRole {
  /** What the RPC server serves (absent: the role holds no chain to read, and no RPC server starts). */
  readonly backend?: RpcBackend;
  /** Methods the role answers its own way (a replica forwards synchronous sends), over the standard table. */
  readonly methods?: MethodTable;
  /** What `mach_status` reports of this role. */
  readonly status: StatusSource;
  /** Starts producing or following (after the RPC server listens). */
  start(): void;
  /** Stops, waiting for work in flight. */
  stop(): Promise<void>;
  /** Resolves with the error that stopped the role for good; never resolves while it runs. */
  readonly fatal: Promise<Error>;
}
