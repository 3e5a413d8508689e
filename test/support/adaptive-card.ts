import { createRequire } from 'node:module';

import type * as AdaptiveCardsModule from 'adaptivecards';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

// The package's main entry is ES modules without file extensions, which Node cannot load; its UMD build is the same library.
const AdaptiveCards = createRequire(__filename)('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCardsModule;

/**
 * No npm package ships the official Adaptive Card JSON schema (adaptivecards.io/schemas/adaptive-card.json)
 * for use offline, so a card is checked twice:
 * 1. against this focused subset of the official 1.5 schema: the Teams Workflows message envelope, and
 *    exactly the elements and properties noticewatch uses (AdaptiveCard, TextBlock, FactSet, Action.OpenUrl),
 *    with the official enums, and nothing else allowed;
 * 2. by Microsoft's own `adaptivecards` library (the renderer's object model), which reports unknown
 *    types, invalid property values and missing required properties while it parses a card.
 */
const ENVELOPE_AND_CARD_1_5 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['type', 'attachments'],
  properties: {
    type: { const: 'message' },
    attachments: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['contentType', 'content'],
        properties: {
          contentType: { const: 'application/vnd.microsoft.card.adaptive' },
          contentUrl: { type: 'null' },
          content: { $ref: '#/definitions/AdaptiveCard' },
        },
      },
    },
  },
  definitions: {
    AdaptiveCard: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'version', 'body'],
      properties: {
        $schema: { const: 'http://adaptivecards.io/schemas/adaptive-card.json' },
        type: { const: 'AdaptiveCard' },
        version: { const: '1.5' },
        msteams: {
          type: 'object',
          additionalProperties: false,
          properties: { width: { enum: ['Full'] } },
        },
        body: { type: 'array', minItems: 1, items: { $ref: '#/definitions/Element' } },
        actions: { type: 'array', items: { $ref: '#/definitions/Action.OpenUrl' } },
      },
    },
    Element: {
      oneOf: [{ $ref: '#/definitions/TextBlock' }, { $ref: '#/definitions/FactSet' }],
    },
    TextBlock: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'text'],
      properties: {
        type: { const: 'TextBlock' },
        text: { type: 'string' },
        color: { enum: ['Default', 'Dark', 'Light', 'Accent', 'Good', 'Warning', 'Attention'] },
        size: { enum: ['Default', 'Small', 'Medium', 'Large', 'ExtraLarge'] },
        weight: { enum: ['Default', 'Lighter', 'Bolder'] },
        style: { enum: ['default', 'heading'] },
        isSubtle: { type: 'boolean' },
        wrap: { type: 'boolean' },
      },
    },
    FactSet: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'facts'],
      properties: {
        type: { const: 'FactSet' },
        facts: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['title', 'value'],
            properties: { title: { type: 'string' }, value: { type: 'string' } },
          },
        },
      },
    },
    'Action.OpenUrl': {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'url'],
      properties: {
        type: { const: 'Action.OpenUrl' },
        title: { type: 'string' },
        url: { type: 'string', format: 'uri' },
      },
    },
  },
};

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateEnvelope = ajv.compile(ENVELOPE_AND_CARD_1_5);

/** Every problem either check finds with a Teams message body; empty when the card is valid. */
export function teamsMessageProblems(message: unknown): string[] {
  const problems: string[] = [];
  if (!validateEnvelope(message))
    for (const error of validateEnvelope.errors ?? []) problems.push(`schema: ${error.instancePath} ${error.message}`);
  const content = (message as { attachments?: Array<{ content?: unknown }> })?.attachments?.[0]?.content;
  const card = new AdaptiveCards.AdaptiveCard();
  const context = new AdaptiveCards.SerializationContext();
  card.parse(content, context);
  for (let index = 0; index < context.eventCount; index += 1)
    problems.push(`adaptivecards: ${context.getEventAt(index).message}`);
  for (const event of card.validateProperties().validationEvents) problems.push(`adaptivecards: ${event.message}`);
  if (card.version?.toString() !== '1.5') problems.push(`adaptivecards: version ${card.version?.toString()}`);
  return problems;
}
