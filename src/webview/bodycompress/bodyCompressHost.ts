import type { NoEvents, NoRequests, RpcEndpoint } from '../../protocol/rpc';
import type { BodyCompressHostEvents, BodyCompressRequests } from '../../protocol/bodyCompressProtocol';

/** The page's end of the channel to the extension host: it asks, the host answers and sends events. */
export type BodyCompressHost = RpcEndpoint<BodyCompressRequests, NoRequests, NoEvents, BodyCompressHostEvents>;
