import type { z } from 'zod';
import type { ApiOutput } from '../shared/api';
import { MESSAGE_API } from '../shared/messages-api';
import type { HandlerContext } from './handler-context';

/** The handlers of the messages-and-costs calls (merged into createHandlers); inputs arrive validated. */

type MessageApiName = keyof typeof MESSAGE_API;
type Impl<N extends MessageApiName> = (input: z.output<(typeof MESSAGE_API)[N]['input']>) => Promise<ApiOutput<N>>;

export function messageHandlers(ctx: HandlerContext): { [N in MessageApiName]: Impl<N> } {
  const person = () => ctx.settings().agentName;
  // Both backends: ClawTeam's inbox and cost files in a data folder, or the database's tables (Store.messages/costs).
  const messages = () => ctx.store().messages;
  return {
    getMessages: async ({ team, before, limit }) => {
      const unread = await messages().unreadCounts(team); // NOT_FOUND for a team that does not exist
      const { records, problems, more } = await messages().readHistory(team, { before, limit });
      return { records, more, unread, problems };
    },
    getMessagesByIds: async ({ team, ids }) => {
      const { records } = await messages().readEvents(team, undefined, new Set(ids));
      return { records };
    },
    getUnread: async ({ team }) => ({ unread: await messages().unreadCounts(team) }),
    sendMessage: async ({ team, to, content }) => messages().send(team, { from: person(), to, content }),
    broadcastMessage: async ({ team, content }) => {
      const { count, recipients } = await messages().broadcast(team, { from: person(), content });
      return { count, recipients };
    },
    getCosts: async ({ team }) => {
      const store = ctx.store();
      await store.getTeam(team);
      return store.costs.overview(team);
    },
    setBudget: async ({ team, dollars }) => {
      const config = await ctx.store().setBudget(team, Math.round(dollars * 100 * 1e6) / 1e6);
      return { teamName: config.name, budgetCents: config.budgetCents };
    },
  };
}
