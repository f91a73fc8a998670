import { join } from 'node:path';
import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { resourcesDir } from '../sources/resources';

/**
 * Strata's subset of Hubble's Observer API (resources/proto), loaded with proto field names
 * (`pod_name`, `drop_reason_desc`), so that a decoded message reads like a jsonpb line and one
 * normaliser serves both.
 */
export function loadObserverService(): ServiceClientConstructor {
  const definition = loadSync('observer.proto', {
    includeDirs: [join(resourcesDir(), 'proto')],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  const grpc = loadPackageDefinition(definition) as GrpcObject & { observer: { Observer: ServiceClientConstructor } };
  return grpc.observer.Observer;
}
