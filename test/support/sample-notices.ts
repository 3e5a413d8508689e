/** Our own sample notice, in the shape of a Microsoft Docs privacy notice, with versions for drift tests. */
export const FRONT_MATTER_V1 = `---
title: "Privacy notice for Contoso Insights"
description: "How Contoso Insights handles customer data."
ms.date: 03/14/2026
author: contoso-docs
---`;

export const BODY_V1 = `
# Contoso Insights privacy notice

Your privacy matters to us. This notice explains what Contoso Insights collects.

## Data we collect

We collect account names, email addresses and activity timestamps.
We keep activity data for 90 days.

## How we use data

We use data to compute engagement scores for your sellers.

## Data protection

Connections to the service are encrypted. TLS 1.2 (or higher) is required for accessing the server endpoints.
`;

export function noticeV1(): string {
  return `${FRONT_MATTER_V1}\n${BODY_V1}`;
}

/** A substantive change: retention period and a new section. */
export function noticeV2(): string {
  return noticeV1()
    .replace('We keep activity data for 90 days.', 'We keep activity data for 180 days.')
    .replace(
      '## Data protection',
      '## Sharing with processors\n\nWe share scores with our analytics processor, Fabrikam.\n\n## Data protection',
    );
}

/** A metadata-only change of v2. */
export function noticeV3(): string {
  return noticeV2().replace('ms.date: 03/14/2026', 'ms.date: 05/02/2026');
}

/** What a misconfigured CDN serves with status 200 in place of the notice. */
export const ERROR_PAGE = `# Page not found

Sorry, the page you requested could not be found. Try again later.
`;
