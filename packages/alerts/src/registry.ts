import { discord } from "./notifiers/discord.js";
import { googlechat } from "./notifiers/googlechat.js";
import { mattermost } from "./notifiers/mattermost.js";
import { slack } from "./notifiers/slack.js";
import { teams } from "./notifiers/teams.js";
import { webhook } from "./notifiers/webhook.js";
import type { DestinationType, Notifier } from "./types.js";

/** Every destination type has exactly one notifier: a new type in DESTINATION_TYPES fails to compile until added. */
export const notifiers: Record<DestinationType, Notifier> = {
  slack,
  discord,
  teams,
  googlechat,
  mattermost,
  webhook,
};
