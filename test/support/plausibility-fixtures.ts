/**
 * Our own writing: a privacy notice of the fictional Wingtip Bikes in English and French, the junk
 * that real archives show in place of a notice (each kind the plausibility check must refuse),
 * and the real changes it must report at once. Used by the unit tests and the replay test.
 */

const SECTIONS_EN: Array<[string, string]> = [
  [
    'Who we are',
    'Wingtip Bikes Ltd rents city bicycles through an app. We are the controller of the personal data described in this notice, and our data protection officer can be reached at the address at the end.',
  ],
  [
    'Data we collect',
    'We collect your name, email address, phone number and payment card details when you create an account. While you ride we collect the location of the bicycle every thirty seconds, the time you unlock and lock it, and the distance you travel.',
  ],
  [
    'How we use your data',
    'We process your data to run the rental, to charge you for each ride, to find bicycles that are left outside a dock, and to keep the fleet safe. We rely on our contract with you for these purposes, and on our legitimate interest to prevent fraud.',
  ],
  [
    'Cookies in the app and on the website',
    'The website sets cookies that keep you signed in and remember your language. With your consent we also set analytics cookies that count visits; you can withdraw that consent at any time in the settings.',
  ],
  [
    'Who we share data with',
    'We share data with the payment provider that charges your card, with the maintenance company that repairs bicycles, and with the police when the law requires it. We never sell personal data to third parties.',
  ],
  [
    'How long we keep data',
    'We retain ride records for three years to answer claims and for tax reasons. Location traces older than ninety days are reduced to the start and end of each ride. Account data is deleted one year after you close your account.',
  ],
  [
    'Your rights',
    'You have the right to access your data, to correct it, to have it erased, to restrict or object to its processing, and to receive it in a portable format. You may also lodge a complaint with the supervisory authority of your country.',
  ],
  [
    'Transfers outside the EEA',
    'Our hosting provider stores data in the European Economic Area. When support staff outside it can see your account, we protect the transfer with the standard contractual clauses of the European Commission.',
  ],
  [
    'Children',
    'Riders must be sixteen or older. We do not knowingly collect data about younger children, and we delete any account that we learn belongs to one.',
  ],
  [
    'Security',
    'Bicycles report their position over an encrypted link, staff sign in with two factors, and only the support team can see ride histories, for as long as a ticket is open. We test our systems every year with an outside firm.',
  ],
  [
    'Changes to this notice',
    'When we change this notice we show the new version in the app a month before it applies, and we keep the earlier versions on our website so that you can compare them.',
  ],
  [
    'Contact us',
    'Write to privacy@wingtip-bikes.example or to Wingtip Bikes Ltd, Data Protection Officer, 12 Harbour Road, Dublin. We answer within one month.',
  ],
];

const SECTIONS_FR: Array<[string, string]> = [
  [
    'Qui sommes-nous',
    "Wingtip Bikes SARL loue des vélos en ville par une application. Nous sommes responsable du traitement des données personnelles décrites dans cette politique, et notre délégué à la protection des données est joignable à l'adresse indiquée à la fin.",
  ],
  [
    'Les données que nous collectons',
    'Nous collectons votre nom, votre adresse électronique, votre numéro de téléphone et les données de votre carte de paiement à la création du compte. Pendant la location, nous collectons la position du vélo toutes les trente secondes.',
  ],
  [
    'Pourquoi nous traitons vos données',
    'Nous traitons vos données pour exécuter la location, facturer chaque trajet, retrouver les vélos laissés hors station et assurer la sécurité de la flotte. Ce traitement repose sur le contrat qui nous lie et sur notre intérêt légitime à prévenir la fraude.',
  ],
  [
    'Cookies',
    "Le site dépose des cookies qui vous gardent connecté et retiennent votre langue. Avec votre consentement, nous déposons aussi des cookies de mesure d'audience ; vous pouvez retirer ce consentement à tout moment.",
  ],
  [
    'Partage des données',
    "Nous partageons des données avec le prestataire de paiement, avec l'entreprise de maintenance des vélos et avec les autorités lorsque la loi l'exige. Nous ne vendons jamais de données personnelles à des tiers.",
  ],
  [
    'Durée de conservation',
    "Nous conservons l'historique des trajets pendant trois ans pour répondre aux réclamations. Les données du compte sont supprimées un an après sa clôture.",
  ],
  [
    'Vos droits',
    "Vous disposez d'un droit d'accès, de rectification, d'effacement, de limitation et d'opposition au traitement, ainsi que d'un droit à la portabilité. Vous pouvez introduire une réclamation auprès de la CNIL.",
  ],
  [
    'Nous contacter',
    'Écrivez à privacy@wingtip-bikes.example ou à Wingtip Bikes SARL, Délégué à la protection des données, 12 rue du Port, Lyon.',
  ],
];

function notice(title: string, sections: Array<[string, string]>, effective: string): string {
  return [
    `# ${title}`,
    '',
    effective,
    '',
    ...sections.flatMap(([heading, text]) => [`## ${heading}`, '', text, '']),
  ].join('\n');
}

/** The notice as the tests first see it (about 2,300 letters, twelve sections). */
export const POLICY_EN = notice('Wingtip Bikes privacy notice', SECTIONS_EN, '_Effective 1 March 2026_');
/** The same notice, in French: a site switching language is a real change, not junk. */
export const POLICY_FR = notice(
  'Politique de confidentialité de Wingtip Bikes',
  SECTIONS_FR,
  '_En vigueur le 1er mars 2026_',
);

/** The long form of a notice: each section's text with more detail. */
function longNotice(sections: Array<[string, string]>): string {
  return notice(
    'Wingtip Bikes privacy notice',
    sections.map(([heading, text]) => [
      heading,
      `${text}\n\n${text.replace(/We /g, 'In particular, we ')}\n\n${text.replace(/\.$/, ', as our customer charter also explains.')}\n\n${text}`,
    ]),
    '_Effective 1 March 2026_',
  );
}

/** A long notice (about 10,000 letters): the sections of POLICY_EN, each with more detail. */
export const POLICY_LONG = longNotice(SECTIONS_EN);

/** The junk real archives show in place of a notice, one of each kind, with the signal expected to refuse it. */
export const JUNK: ReadonlyArray<{ kind: string; body: string; signal: string; previous?: string }> = [
  { kind: 'an empty body', body: '', signal: 'empty' },
  { kind: 'a heading alone', body: 'Wingtip Bikes privacy notice\n============================\n', signal: 'empty' },
  {
    kind: 'a French "page does not exist" page',
    body: "# Erreur\n\nCette page n'existe pas. Retour à l'accueil.",
    signal: 'error-page',
  },
  {
    kind: 'a French "error / page not found" page',
    body: 'Erreur / Page introuvable\n\n[Accueil](/)',
    signal: 'error-page',
  },
  {
    // The site's menu names every policy topic, in links: the page itself says only that it is missing.
    kind: 'a German not-found page inside the site menu',
    body: [
      '- [Startseite](/)',
      '- [Datenschutz](/datenschutz)',
      '- [Cookie-Einstellungen](/cookies)',
      '- [Ihre Rechte als betroffene Person](/rechte)',
      '- [Verarbeitung personenbezogener Daten](/verarbeitung)',
      '- [Einwilligung widerrufen](/einwilligung)',
      '- [Speicherdauer](/speicherdauer)',
      '# Seite nicht gefunden',
      'Die angeforderte Seite existiert nicht oder wurde verschoben.',
    ].join('\n\n'),
    signal: 'error-page',
  },
  {
    kind: 'a French browser check',
    body: 'Vérification de votre navigateur avant d’accéder au site.',
    signal: 'error-page',
  },
  {
    kind: 'a French loading placeholder',
    body: '# Politique de confidentialité\n\nChargement en cours, merci de patienter…',
    signal: 'error-page',
  },
  {
    kind: 'a German maintenance notice',
    body: '# Wartungsarbeiten\n\nWir sind bald zurück. Vielen Dank für Ihre Geduld.',
    signal: 'error-page',
  },
  {
    kind: 'a Spanish maintenance notice',
    body: '# Estamos en mantenimiento\n\nVolveremos pronto. Gracias por su paciencia.',
    signal: 'error-page',
  },
  {
    kind: 'an Italian not-found page',
    body: '# Pagina non trovata\n\nLa pagina che stai cercando non esiste.',
    signal: 'error-page',
  },
  {
    kind: 'a Dutch not-found page',
    body: '# Pagina niet gevonden\n\nDe pagina die u zoekt bestaat niet.',
    signal: 'error-page',
  },
  {
    kind: 'a Portuguese not-found page',
    body: '# Página não encontrada\n\nA página que você procura não existe.',
    signal: 'error-page',
  },
  {
    kind: 'a geo-block message',
    body: "Nous sommes désolés, ce contenu n'est pas disponible dans votre pays.",
    signal: 'error-page',
  },
  {
    kind: 'a script crash page',
    body: "Application error\n\n### TypeError: Cannot read properties of undefined (reading 'map')",
    signal: 'error-page',
  },
  {
    kind: 'a cookie consent wall',
    body: '# We value your privacy\n\nWe and our partners use cookies and process personal data to personalise content. Third parties may share it with your consent.\n\n[Accept all](#) [Reject all](#) [Cookie settings](#)',
    signal: 'error-page',
  },
  {
    kind: 'a CDN "offline" banner over a cached copy',
    body: `This page is a cached copy. The website is currently offline; you are viewing a cached version.\n\n${POLICY_LONG}`,
    signal: 'offline-copy',
    previous: POLICY_LONG,
  },
  {
    kind: 'a German "currently offline" banner over a cached copy',
    body: `Die Website ist derzeit offline. Sie sehen eine gespeicherte Fassung dieser Seite.\n\n${POLICY_LONG}`,
    signal: 'offline-copy',
    previous: POLICY_LONG,
  },
  {
    kind: 'the notice cut short mid-sentence',
    body: POLICY_LONG.slice(0, Math.floor(POLICY_LONG.length * 0.45)).replace(/\s+\S*$/, ''),
    signal: 'truncation',
    previous: POLICY_LONG,
  },
  {
    // A render that stopped late: most of the notice is there, but it ends mid-sentence and its last sections are gone.
    kind: 'the notice cut short at three quarters, mid-sentence',
    body: POLICY_LONG.slice(0, Math.floor(POLICY_LONG.length * 0.75)).replace(/\s+\S*$/, ''),
    signal: 'truncation',
    previous: POLICY_LONG,
  },
  {
    kind: 'the notice cut short mid-table',
    body: `${POLICY_LONG.slice(0, Math.floor(POLICY_LONG.length * 0.5)).replace(/\n[^\n]*$/, '')}\n\n| Data | Kept for |\n| --- | --- |\n| Rides | three years |`,
    signal: 'truncation',
    previous: POLICY_LONG,
  },
  {
    kind: 'only the introduction',
    body: POLICY_LONG.slice(0, POLICY_LONG.indexOf('## How we use your data')).trimEnd(),
    signal: 'truncation',
    previous: POLICY_LONG,
  },
  {
    kind: 'one section repeated many times',
    body: `# Wingtip Bikes privacy notice\n\n${`${SECTIONS_EN[3][1]}\n\n`.repeat(8)}`,
    signal: 'repetition',
  },
  {
    kind: 'the terms of use instead of the notice',
    body: [
      '# Wingtip Bikes terms of use',
      '## Acceptance of these terms',
      'By unlocking a bicycle you agree to these terms. If you do not agree, do not use the service.',
      '## Your account',
      'You must keep your password secret and tell us at once if someone else uses your account.',
      '## Fares and payment',
      'Each ride is charged by the minute at the fare shown in the app. A ride that ends outside a dock costs an extra fee.',
      '## Damage and theft',
      'You are responsible for the bicycle until you lock it at a dock. Report any damage before you ride.',
      '## Ending the contract',
      'You can close your account at any time. We may suspend it if you break these terms, for example when a bicycle is left unlocked twice in a month.',
      '## Liability',
      'We repair bicycles every week, but you must check the brakes, the tyres and the lights before each ride and stop at once if something is wrong. We are not liable for losses you could have avoided by doing so.',
      '## Disputes',
      'These terms are governed by Irish law. Before going to court, write to our customer service, which answers every complaint within fourteen days, and ask for mediation if the answer does not satisfy you.',
    ].join('\n\n'),
    signal: 'another-document',
  },
  {
    // Long terms that touch on personal data, cookies, consent and rights in passing: many policy
    // concepts, but data protection is named a few times in a thousand words, not on every page.
    kind: 'long terms of use with a paragraph on personal data',
    body: [
      '# Wingtip Bikes general terms and conditions of rental',
      ...[
        [
          'Who may ride',
          'You must be at least sixteen years old and hold a valid payment card in your own name. Riders under eighteen need the written agreement of a parent, who is then bound by these terms as well.',
        ],
        [
          'Your account',
          'Keep your password secret and tell us at once if someone else uses your account. You are responsible for every ride started from it until you tell us, and for the fares and fees of those rides.',
        ],
        [
          'Fares',
          'Each ride is charged by the minute at the fare shown in the app when you unlock the bicycle. Passes are charged when you buy them and renew each month until you cancel them in the app.',
        ],
        [
          'Deposits and fees',
          'We may hold a deposit on your card while you ride. A ride that ends outside a dock costs a fee, and so does a bicycle that we must fetch from a place where parking is not allowed.',
        ],
        [
          'Before each ride',
          'Check the brakes, the tyres, the bell and the lights before you ride, adjust the saddle, and do not ride a bicycle that is damaged: report it in the app and choose another one.',
        ],
        [
          'While you ride',
          'Obey the highway code, ride on cycle lanes where there are some, do not carry a passenger, and do not ride after drinking alcohol. One bicycle carries one person and at most five kilograms in its basket.',
        ],
        [
          'Ending a ride',
          'End each ride by locking the bicycle at a dock or in a parking zone shown in the app, and check that the app confirms the end of the ride. Until it does, the ride goes on and is charged.',
        ],
        [
          'Damage, loss and theft',
          'You are responsible for the bicycle from unlocking to locking. Report an accident, damage or theft within twenty-four hours. We may charge the cost of repairs up to the amount shown in the fee list.',
        ],
        [
          'Your data',
          'To run the rental we use the details of your account and of your rides, as our privacy notice explains; it also says how to exercise your rights and withdraw your consent.',
        ],
        [
          'Suspension and closing',
          'You can close your account at any time in the app. We may suspend it if you break these terms, for example when a bicycle is left unlocked twice in a month, after telling you why.',
        ],
        [
          'Changes to the service',
          'We may change the fares, the zones and these terms. We tell you thirty days before a change that affects you, and you may close your account without charge before it takes effect.',
        ],
        [
          'Liability',
          'We repair bicycles every week, but we are not liable for losses you could have avoided by checking the bicycle or by following these terms. Nothing in these terms limits liability that the law does not allow us to limit.',
        ],
        [
          'Group rides and events',
          'A group of up to twenty riders can book bicycles together for an event. The person who books pays for every bicycle of the group and makes sure that each rider has read these terms before the ride starts.',
        ],
        [
          'Electric bicycles',
          'An electric bicycle may only be ridden by a rider aged eighteen or more. Do not leave it with a flat battery outside a dock: the fee for fetching it is doubled, and the battery must never be removed or opened.',
        ],
        [
          'Lost property',
          'Things left in a basket are kept at our depot for thirty days. Ask for them through customer service with a description and the time of the ride, and collect them in person or pay for delivery.',
        ],
        [
          'Gift cards and vouchers',
          'Gift cards are valid for two years and cannot be exchanged for cash. A voucher applies to one account only, cannot be combined with another offer and expires on the date printed on it.',
        ],
        [
          'Business accounts',
          'A company may open an account for its staff and receive one invoice each month. The company tells us who may ride on its account and remains responsible for the fares and fees of those rides.',
        ],
        [
          'Force majeure',
          'We are not responsible for failing to provide the service because of events beyond our control, such as storms, floods, strikes or orders of the authorities, for as long as such events last.',
        ],
        [
          'Notices',
          'We send notices to the email address of your account, and they count as received the day after we send them. Send your notices to the postal address of our head office or through the app.',
        ],
        [
          'Transfer of the contract',
          'We may transfer this contract to another company of our group, which then takes on all our duties to you. You may not transfer your account or your passes to anyone else.',
        ],
        [
          'Severability',
          'If a court finds that part of these terms cannot be enforced, the rest of the terms still apply, and the part in question is replaced by the valid rule that comes closest to what it meant.',
        ],
        [
          'Complaints and disputes',
          'Write to our customer service, which answers every complaint within fourteen days. These terms are governed by Irish law; you may also ask for mediation or go to the courts where you live.',
        ],
      ].flatMap(([heading, text]) => [`## ${heading}`, text]),
    ].join('\n\n'),
    signal: 'another-document',
  },
  {
    kind: 'a shop category page',
    body: [
      '# City bicycles',
      '## Wingtip Urban 3',
      'Three gears, mudguards and a basket. From 499 euros. Free delivery.',
      '## Wingtip Folding 7',
      'Seven gears, folds in ten seconds, fits under a desk. From 749 euros.',
      '## Wingtip Cargo',
      'Carries two children or 80 kilos of shopping. From 1,899 euros.',
      '## Accessories',
      'Helmets, locks, lights and panniers for every model, with two years of warranty. Our mechanics fit them for free when you collect your bicycle at one of our eleven city shops.',
      '## Gift cards',
      'Give a month of riding or a bicycle of their choice, in any amount from twenty euros, valid for two years in every shop and in the app.',
      '## Electric models',
      'The Wingtip Volt range adds a motor in the rear hub and a battery under the rack that charges in four hours from any socket. From 2,290 euros, or by the month.',
      '## Delivery and returns',
      'We deliver in three working days, assembled and adjusted to your height. Return any bicycle within thirty days if it does not suit you.',
    ].join('\n\n'),
    signal: 'shrink',
  },
  {
    kind: 'a brand-history page',
    body: [
      '# Our story',
      '## The first workshop',
      'Wingtip started in 1987 as a repair workshop under a railway arch, fixing the bicycles of commuters on their way to the ferry.',
      '## The first rental',
      'In 2009 the workshop lent twenty bicycles to visitors of the harbour festival, and kept lending them when the festival was over.',
      '## Today',
      'Six thousand bicycles ride in eleven cities, and the workshop under the arch still repairs them. Its first mechanic, now retired, comes back every spring to teach apprentices how to true a wheel by ear.',
      '## The people',
      'Two hundred mechanics, drivers and support staff keep the fleet moving. Every one of them spends a week in the workshop before starting, whatever their job.',
      '## What comes next',
      'Next year the first Wingtip bicycles built entirely from recycled aluminium leave the new factory by the river, and the old railway arch becomes a museum of the bicycles that made the company.',
    ].join('\n\n'),
    signal: 'shrink',
  },
  {
    kind: 'a login page',
    body: '# Sign in\n\nEmail address\n\nPassword\n\n[Forgot your password?](/reset)\n\n[Create an account](/join)',
    signal: 'collapse',
  },
  {
    kind: 'a hub of links to regional notices',
    body: [
      '# Wingtip Bikes around the world',
      'Choose your region:',
      ...[
        'Ireland',
        'France',
        'Germany',
        'Spain',
        'Italy',
        'Netherlands',
        'Portugal',
        'Belgium',
        'Austria',
        'Denmark',
        'Sweden',
        'Norway',
        'Finland',
        'Poland',
        'Czechia',
        'Switzerland',
        'Luxembourg',
        'Slovenia',
        'Croatia',
        'Greece',
      ].map(
        (country) =>
          `- [Wingtip Bikes ${country}: the local notice, the shops and the support contacts for ${country}](https://${country.toLowerCase()}.wingtip-bikes.example/legal)`,
      ),
    ].join('\n\n'),
    signal: 'link-hub',
  },
  {
    kind: 'a hub of teasers, each leading to a part of the notice on its own page',
    body: [
      '# Privacy at Wingtip Bikes',
      '## On this page',
      ...['Overview', 'Riding', 'Shops', 'Website', 'Cookies', 'Your rights', 'Contact us'].map(
        (part) => `- [${part}](https://wingtip-bikes.example/privacy/${part.toLowerCase().replace(/ /g, '-')})`,
      ),
      'Your trust matters to us: here is where to read how we collect and process your personal data, how long we retain it, which third parties receive it and what rights you have, part by part.',
      ...[
        ['Riding', 'How we process the data of each rental, from unlocking to locking.'],
        ['Shops', 'What our workshops record when you bring a bicycle in for repair.'],
        ['Website', 'What we collect when you browse our website or sign up for the newsletter.'],
        ['Cookies', 'Which cookies we set, and how to give or withdraw your consent.'],
        ['Your rights', 'How to reach our data protection officer and exercise your rights.'],
      ].flatMap(([part, teaser]) => [
        `### ${part}`,
        teaser,
        `[Read more](https://wingtip-bikes.example/privacy/${part.toLowerCase().replace(/ /g, '-')})`,
      ]),
    ].join('\n\n'),
    signal: 'link-hub',
  },
];

/** Real changes the check must report on the run they appear: [what, previous body, new body]. */
export const REAL_CHANGES: ReadonlyArray<{ kind: string; before: string; after: string }> = [
  {
    kind: 'a rewrite to a third of its size',
    before: POLICY_LONG,
    after: notice(
      'Wingtip Bikes privacy notice',
      [
        [
          'What we collect',
          'We collect your account details, your payment card and the route of each ride, as a point every thirty seconds from unlocking to locking. We do not collect anything from your phone beyond what the app needs to unlock a bicycle.',
        ],
        [
          'Why',
          'We use them to run the rental, to charge you and to keep the bicycles safe, under our contract with you, and to detect fraud, which is our legitimate interest.',
        ],
        [
          'Cookies',
          'The website uses cookies to keep you signed in; analytics cookies only with your consent, which you can withdraw in the settings.',
        ],
        [
          'Sharing',
          'Our payment provider and repair company see what they need to do their job. We never sell personal data to third parties.',
        ],
        ['Retention', 'Rides are kept three years, accounts one year after closing, location points ninety days.'],
        [
          'Your rights',
          'You have the right to access, correct, erase and port your data, and to object to its processing. You can also complain to the supervisory authority.',
        ],
        ['Contact', 'privacy@wingtip-bikes.example, Data Protection Officer, 12 Harbour Road, Dublin.'],
      ],
      '_Effective 1 September 2026_',
    ),
  },
  {
    kind: 'a short notice shrinking further',
    before: POLICY_EN,
    after: notice(
      'Wingtip Bikes privacy notice',
      [
        [
          'Summary',
          'We collect the personal data of your account and the route of each ride, and process them only to run the rental. Our cookies keep you signed in. We share data with our payment provider and no other third party, and retain it three years.',
        ],
        [
          'Your rights and contact',
          'You have the right to a copy of your data and to its deletion: contact us at privacy@wingtip-bikes.example.',
        ],
      ],
      '_Effective 1 September 2026_',
    ),
  },
  { kind: 'the page switching language (English to French)', before: POLICY_EN, after: POLICY_FR },
  { kind: 'the page switching back (French to English)', before: POLICY_FR, after: POLICY_EN },
  {
    kind: 'a line of test text added by the publisher',
    before: POLICY_EN,
    after: POLICY_EN.replace('## Who we are', 'TEST TEST please ignore\n\n## Who we are'),
  },
  {
    kind: 'a newer notice with different headings',
    before: POLICY_EN,
    after: notice(
      'Wingtip Bikes: how we handle your information',
      [
        ['Controller and data protection officer', SECTIONS_EN[0][1]],
        ['Information from your account and rides', SECTIONS_EN[1][1]],
        ['Purposes and legal bases', SECTIONS_EN[2][1]],
        ['Recipients', SECTIONS_EN[4][1]],
        ['Storage periods', SECTIONS_EN[5][1]],
        ['What you can ask of us', SECTIONS_EN[6][1]],
        ['Questions', SECTIONS_EN[9][1]],
      ],
      '_Effective 1 January 2027_',
    ),
  },
  {
    // The start of the previous version word for word, but it ends on a whole sentence: a real cut.
    kind: 'the last two sections removed',
    before: POLICY_LONG,
    after: longNotice(SECTIONS_EN.slice(0, -2)),
  },
  {
    // More than half its blocks are now links, but every section is still there: not a hub.
    kind: 'a notice that gains a table of contents and "back to top" links',
    before: POLICY_EN,
    after: [
      '# Wingtip Bikes privacy notice',
      '_Effective 1 March 2026_',
      ...SECTIONS_EN.map(([heading], index) => `- [${heading}](#section-${index + 1})`),
      ...SECTIONS_EN.flatMap(([heading, text]) => [`## ${heading}`, text, '[Back to top](#top)']),
    ].join('\n\n'),
  },
];
