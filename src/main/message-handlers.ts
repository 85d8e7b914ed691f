import type { z } from 'zod';
import type { ApiOutput } from '../shared/api';
import { MESSAGE_API } from '../shared/messages-api';
import { folderOnly } from './app-store';
import type { HandlerContext } from './handlers';

/** The handlers of the messages-and-costs calls (merged into createHandlers); inputs arrive validated. */

type MessageApiName = keyof typeof MESSAGE_API;
type Impl<N extends MessageApiName> = (input: z.output<(typeof MESSAGE_API)[N]['input']>) => Promise<ApiOutput<N>>;

export function messageHandlers(ctx: HandlerContext): { [N in MessageApiName]: Impl<N> } {
  const person = () => ctx.settings().agentName;
  // TODO(merge with pg-data): store.messages / store.costs / store.setBudget on both backends (PG-CONTRACT.md).
  const mailbox = () => folderOnly(ctx.store(), 'Messages cannot be read or sent').mailbox;
  const folder = () => folderOnly(ctx.store(), 'Costs and budgets cannot be shown or set');
  return {
    getMessages: async ({ team, before, limit }) => {
      const unread = mailbox().unreadCounts(team); // NOT_FOUND for a team that does not exist
      const { records, problems, more } = mailbox().readHistory(team, { before, limit });
      return { records, more, unread, problems };
    },
    getMessagesByIds: async ({ team, ids }) => {
      const { records } = mailbox().readEvents(team, undefined, new Set(ids));
      return { records };
    },
    getUnread: async ({ team }) => ({ unread: mailbox().unreadCounts(team) }),
    sendMessage: async ({ team, to, content }) => mailbox().send(team, { from: person(), to, content }),
    broadcastMessage: async ({ team, content }) => {
      const { count, recipients } = mailbox().broadcast(team, { from: person(), content });
      return { count, recipients };
    },
    getCosts: async ({ team }) => {
      const store = folder();
      await store.getTeam(team);
      return store.costs.overview(team);
    },
    setBudget: async ({ team, dollars }) => {
      const config = await folder().setBudget(team, Math.round(dollars * 100 * 1e6) / 1e6);
      return { teamName: config.name, budgetCents: config.budgetCents };
    },
  };
}
