/**
 * Alert destinations and deliveries: the settings a destination takes (from the API, ALERT_DESTINATIONS and
 * ALERT_DESTINATIONS_FILE alike) and the API's answers about them. Answers never carry a stored URL or secret:
 * the URL is cut to its origin and the secret reported as present or not.
 */
import { z } from "zod";
import { ALERT_EVENTS, DELIVERY_STATUSES, DESTINATION_TYPES, isWebhookSecret } from "../alerts.js";
import { IsoTimeSchema } from "./offender.js";

const names = z.array(z.string().trim().min(1).max(500)).min(1);

/** Which alerts a destination gets: its services, endpoints and environments, its bars and its events. */
const destinationFilter = {
  services: names.optional(),
  /** Exact routes ("GET /orders/:id"), `*` as a wildcard. */
  endpoints: names.optional(),
  environments: names.optional(),
  minRepeats: z.number().int().min(1).optional(),
  minWastedMsPerHour: z.number().min(0).optional(),
  events: z.array(z.enum(ALERT_EVENTS)).min(1).optional(),
};

/** A destination's settings: POST and PUT /api/alerts/destinations, and each entry of ALERT_DESTINATIONS. */
export const DestinationSettingsSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    type: z.enum(DESTINATION_TYPES),
    url: z.string().trim().min(1).max(2_000),
    secret: z.string().optional(),
    ...destinationFilter,
  })
  .superRefine((d, ctx) => {
    if (d.type === "webhook") {
      if (!d.secret || !isWebhookSecret(d.secret))
        ctx.addIssue({
          code: "custom",
          path: ["secret"],
          message: "a webhook needs a secret: whsec_ followed by base64 of at least 16 random bytes",
        });
    } else if (d.secret !== undefined) {
      ctx.addIssue({ code: "custom", path: ["secret"], message: `only webhook destinations take a secret` });
    }
  });

/** A destination as the API shows it. */
export const DestinationSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  type: z.enum(DESTINATION_TYPES),
  /** env: from ALERT_DESTINATIONS, read-only here; api: made in the dashboard. */
  source: z.enum(["env", "api"]),
  readOnly: z.boolean(),
  /** The URL's origin only, e.g. https://hooks.slack.com/… */
  url: z.string(),
  hasSecret: z.boolean(),
  ...destinationFilter,
  enabled: z.boolean(),
  /** Why it was disabled (by a person, or after the platform refused it), or null. */
  disabledReason: z.string().nullable(),
  createdAt: IsoTimeSchema,
  updatedAt: IsoTimeSchema,
});

/** GET /api/alerts/destinations. */
export const DestinationListSchema = z.strictObject({ destinations: z.array(DestinationSchema) });

/** POST, PUT /api/alerts/destinations(/:id) and POST …/:id/enabled: the destination as it is now. */
export const DestinationAnswerSchema = z.strictObject({ destination: DestinationSchema });

/** DELETE /api/alerts/destinations/:id. */
export const DestinationDeletedSchema = z.strictObject({ deleted: z.literal(true) });

/** POST /api/alerts/destinations/:id/test: what the platform answered to a test message. */
export const TestResultSchema = z.strictObject({
  result: z.strictObject({
    ok: z.boolean(),
    /** The platform's HTTP status, or null when it could not be reached. */
    status: z.number().int().nullable(),
    /** The start of its answer, or why it could not be reached. */
    answer: z.string(),
  }),
});

/** One message to one destination, as GET /api/alerts/deliveries lists it. */
export const DeliverySchema = z.strictObject({
  id: z.string(),
  destinationId: z.string(),
  destinationName: z.string(),
  destinationType: z.enum(DESTINATION_TYPES),
  kind: z.enum(["alert", "digest"]),
  /** The event of an alert; null for a digest. */
  event: z.enum(ALERT_EVENTS).nullable(),
  offenderIds: z.array(z.string()),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int().min(0),
  /** The platform's HTTP status at the last attempt, or null. */
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: IsoTimeSchema,
  createdAt: IsoTimeSchema,
  updatedAt: IsoTimeSchema,
});

/** GET /api/alerts/deliveries. */
export const DeliveryListSchema = z.strictObject({ deliveries: z.array(DeliverySchema) });

/** POST /api/alerts/deliveries/:id/resend: the dead letter is due again. */
export const ResentSchema = z.strictObject({ resent: z.literal(true) });

export type DestinationSettings = z.infer<typeof DestinationSettingsSchema>;
export type Destination = z.infer<typeof DestinationSchema>;
export type TestResult = z.infer<typeof TestResultSchema>["result"];
export type Delivery = z.infer<typeof DeliverySchema>;
