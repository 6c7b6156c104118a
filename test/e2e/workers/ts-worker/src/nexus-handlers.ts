import * as nexus from 'nexus-rpc';
import { emit } from './log';
import { greetingService } from './nexus-service';

export const greetingHandler = nexus.serviceHandler(greetingService, {
  // A synchronous operation: the result travels back in the Nexus start response.
  say: async (ctx, name) => {
    emit('nexus.operation', { service: ctx.service, operation: ctx.operation, name });
    return `Hello, ${name}! (via Nexus)`;
  },
});
