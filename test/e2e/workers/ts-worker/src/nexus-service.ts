/** The Nexus service contract, shared by the handler (worker) and the caller workflow. */
import * as nexus from 'nexus-rpc';

export const greetingService = nexus.service('greeting', {
  say: nexus.operation<string, string>(),
});
