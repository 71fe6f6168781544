"""What customers write about the product and the contract: questions, requests,
billing terms, partnerships and press. Same shape as `urgent`.

Apart from the problems (`everyday`) because these are the calm, low-priority share of a
desk's volume, and the demo draws them most often.
"""

COMMERCIAL: dict[str, tuple[tuple[str, str], ...]] = {
    "feature-request": (
        (
            "Feature request: dark mode",
            "Our team works late and would love a dark mode. Is it something you'd consider?",
        ),
        (
            "Could you add recurring invoices?",
            "We bill the same clients every month. Recurring invoices would save us hours.",
        ),
        (
            "Suggestion: archive items in bulk",
            "Archiving {records} old items one by one isn't realistic. A bulk archive would "
            "help a lot.",
        ),
        (
            "Please add export to PDF",
            "Our clients want reports as PDF. Right now we export to CSV and rebuild them in "
            "a spreadsheet.",
        ),
    ),
    "roadmap-question": (
        (
            "Is an offline mode planned?",
            "Our field staff often have no signal. Is an offline mode for the mobile app on "
            "your roadmap?",
        ),
        (
            "When will SSO come to the Pro plan?",
            "We'd like single sign-on but can't justify Enterprise for {users} people. Any "
            "plans for SSO on Pro?",
        ),
        (
            "What's next for the API?",
            "We're planning next year's work. Are there API changes coming we should know about?",
        ),
        (
            "Are you planning a Linux desktop app?",
            "Half our developers use Linux. Is a desktop app for Linux planned?",
        ),
    ),
    "missing-functionality": (
        (
            "Is there a way to merge two projects?",
            "We have two projects that should be one. I can't find a merge option. Did I miss it?",
        ),
        (
            "Can't find how to set task dependencies",
            "I need task B to wait for task A. Is there a way to set dependencies?",
        ),
        (
            "No option to limit guest access to one folder",
            "Guests see every shared folder. We need to give a client access to one folder only.",
        ),
        (
            "Need an export of the audit log",
            "Our auditors need the audit log as a file. I can see it on screen but there's no "
            "export.",
        ),
    ),
    "general-question": (
        (
            "How do I add a new team member?",
            "We've hired someone new. How do I add them, and will it change our bill?",
        ),
        (
            "Where can I change my email address?",
            "I've changed jobs within the company and need to update my login email to {email}.",
        ),
        (
            "Question about notification settings",
            "I get an email for every comment. Can I get one summary a day instead?",
        ),
        (
            "How do I change the language?",
            "One of our users would like the app in Spanish. Where is that set?",
        ),
        (
            "Can I use my account on two devices?",
            "Can I be signed in on my laptop and my {device} at the same time?",
        ),
    ),
    "custom-pricing": (
        (
            "Quote for 500 seats",
            "We're rolling out to the whole company, about 500 people. Could you send a quote "
            "for Enterprise?",
        ),
        (
            "Pricing for a nonprofit organisation",
            "We're a registered charity with {users} staff. Do you have nonprofit pricing?",
        ),
        (
            "Enterprise quote with SSO and audit log",
            "We need SSO, the audit log and a named account manager for {seats} seats. Can we "
            "get a quote?",
        ),
        (
            "Pricing for a three-year contract",
            "Would a three-year commitment change the price per seat? We'd pay yearly.",
        ),
    ),
    "invoice-details": (
        (
            "Need our VAT number on the invoice",
            "Our accountant can't book {invoice} without our VAT number on it. Can you reissue it?",
        ),
        (
            "Invoice shows our old company address",
            "{invoice} still shows the address we moved from in {month}. Please update and "
            "reissue.",
        ),
        (
            "Can you split the invoice by department?",
            "Finance wants one invoice per department instead of one for the whole company. "
            "Is that possible?",
        ),
        (
            "What is the proration line on my invoice?",
            "There's a line 'proration adjustment {amount}' on {invoice}. What is it for?",
        ),
    ),
    "tax-exemption": (
        (
            "Sales tax exemption certificate attached",
            "We're tax exempt in {region}. Certificate attached. Please remove sales tax from "
            "future invoices.",
        ),
        (
            "We're exempt, please stop charging sales tax",
            "You've charged sales tax on our last invoices, {invoice} included, but we're an "
            "exempt organisation in {region}.",
        ),
        (
            "How do I submit our tax-exempt status?",
            "Where do I upload our exemption certificate so it applies to the account?",
        ),
        (
            "Refund of sales tax charged after our exemption",
            "Our exemption was accepted in {month} but {invoice} still included {amount} of "
            "tax. Can that be refunded?",
        ),
    ),
    "purchase-order-terms": (
        (
            "Can we pay by purchase order?",
            "Our procurement only pays against purchase orders. Can we move from card to PO "
            "and invoice?",
        ),
        (
            "Request for net-30 payment terms",
            "Could we have net-30 terms on our invoices? Our payment run is once a month.",
        ),
        (
            "Our PO number must appear on invoices",
            "Invoices without our PO number get rejected by accounts payable. Can you add it "
            "to {invoice} and the next ones?",
        ),
        (
            "Vendor registration form from our procurement",
            "To keep paying you we need your company to fill in our vendor registration "
            "form. Attached.",
        ),
    ),
    "volume-discount": (
        (
            "Discount for adding 100 more seats?",
            "We're about to add 100 seats to our {seats}. Is there a volume discount?",
        ),
        (
            "Volume pricing for our subsidiaries",
            "Our three subsidiaries want their own workspaces. Can they share our volume pricing?",
        ),
        (
            "Education discount for a whole district",
            "We're a school district looking at {seats} staff seats. Do you offer education "
            "pricing at that size?",
        ),
        (
            "Better price if all teams pay annually?",
            "If we move all {few} teams to annual billing at once, is there a better rate?",
        ),
    ),
    "build-integration": (
        (
            "We'd like to build an integration with you",
            "We make scheduling software and many of our clients use you too. We'd like to "
            "build an integration. Who should we talk to?",
        ),
        (
            "Partner programme for app developers?",
            "Do you have a partner programme for developers building on your API?",
        ),
        (
            "Sandbox access for our integration",
            "We're building a connector for {integration} users and need a sandbox workspace "
            "to test against.",
        ),
        (
            "Listing our app in your marketplace",
            "Our integration is ready. How do we get it listed in your app marketplace?",
        ),
    ),
    "api-limits": (
        (
            "Need a higher API rate limit",
            "Our nightly sync of {records} records hits the rate limit halfway. Can the limit "
            "be raised for our account?",
        ),
        (
            "Hitting 429 errors on the API",
            "Since our volume grew we get '429 Too Many Requests' every afternoon. What are "
            "our options?",
        ),
        (
            "API quota for our nightly import",
            "We need about {records} API calls a night for our import. Our plan allows far "
            "fewer. Can we buy more?",
        ),
        (
            "Can we get bulk API access?",
            "Is there a bulk endpoint or a higher tier so we don't have to send records one "
            "by one?",
        ),
    ),
    "reseller-inquiry": (
        (
            "Reselling your product to our clients",
            "We're an IT consultancy and set up tools for {users} small businesses. Can we "
            "resell your product?",
        ),
        (
            "White-label version for our agency",
            "Is there a white-label version we could offer under our own brand?",
        ),
        (
            "Becoming a regional reseller",
            "We'd like to be your reseller in our region, with local invoicing and support. "
            "What are the requirements?",
        ),
        (
            "Referral partnership",
            "We recommend you to our clients all the time. Do you have a referral or "
            "affiliate programme?",
        ),
    ),
    "press-request": (
        (
            "Interview request from a journalist",
            "I'm writing for {outlet} about remote work tools and would like to interview "
            "someone from your team this week.",
        ),
        (
            "Request for comment on the outage",
            "I'm a reporter at {outlet} covering yesterday's outage. Could your company "
            "comment before 5 pm?",
        ),
        (
            "Press kit and company figures",
            "Could you send your press kit and current customer numbers for an article in "
            "{outlet}?",
        ),
        (
            "Guest request for a podcast",
            "We host {outlet} and would love one of your founders as a guest next month.",
        ),
    ),
    "influencer-inquiry": (
        (
            "Collaboration proposal from a YouTube creator",
            "I make productivity videos and would like to feature your app. Could we talk "
            "about a collaboration?",
        ),
        (
            "Analyst briefing request",
            "I'm an industry analyst preparing a market report and would like a briefing on "
            "your product.",
        ),
        (
            "Blogger asking for an account to review",
            "I write a blog about small-business software and would like an account to "
            "review your product.",
        ),
        (
            "Creator partnership for a tutorial series",
            "I'm planning a tutorial series and would like to build it around your product. "
            "Any partnership options?",
        ),
    ),
}
