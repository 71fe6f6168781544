"""What customers write in the critical categories (003): security and privacy, money
and outages. A story is a subject and a description; the description's
{fill-ins} are drawn per ticket (`fills`).

Apart from the everyday stories so each module stays readable on its own; written the
way such messages arrive (first person, in a hurry), never "demo" placeholders, because
a buyer reads these first.
"""

URGENT: dict[str, tuple[tuple[str, str], ...]] = {
    "account-breach": (
        (
            "Someone logged into my account from an IP I don't recognise",
            "I got a new sign-in alert {when} from {ip}. That wasn't me or anyone on my team. "
            "I've changed my password but I need to know what they looked at.",
        ),
        (
            "Password and account email changed without my knowledge",
            "I couldn't sign in {when}. After a reset I saw the account email had been changed "
            "to {email}. I never did that. Please lock the account.",
        ),
        (
            "Unknown admin user added to our workspace",
            "There is an admin called 'support-sync' in our workspace that none of us created. "
            "It was added {when}. Who is this and how did they get in?",
        ),
        (
            "Receiving login codes I never asked for",
            "My phone has received {users} login codes since {since}. I'm not trying to sign in. "
            "Is someone trying to get into my account?",
        ),
    ),
    "sees-other-users-data": (
        (
            "I can see another company's invoices in my account",
            "Under Billing > Invoices I see invoices addressed to a company I have nothing to "
            "do with ({invoice} for one). Please check before someone else sees ours.",
        ),
        (
            "Dashboard shows someone else's projects",
            "Since {since} my dashboard lists projects and people I've never seen. I'm worried "
            "our own data is showing up in someone else's account too.",
        ),
        (
            "Search results include contacts that are not ours",
            "Searching our contacts returns people who aren't ours, with their phone numbers "
            "and emails. Screenshot attached. This is a serious privacy problem for us.",
        ),
        (
            "Export file contains another organisation's records",
            "I exported our customer list and the CSV has {records} rows, a good third of them "
            "from another organisation. I've deleted the file, but you need to know.",
        ),
    ),
    "data-leak": (
        (
            "Public share link opens our whole workspace",
            "A link I shared for one document opens every folder in the workspace for anyone "
            "who has it. It was posted in a public forum {when}.",
        ),
        (
            "Our user list appeared on a paste site",
            "A security researcher sent us a link to a paste with what looks like our user "
            "list (names, emails, maybe password hashes). Did this come from your side?",
        ),
        (
            "Notification emails with client data went to strangers",
            "Your notification emails {when} went to people outside our company and included "
            "order details of our clients. We've had {users} complaints already.",
        ),
        (
            "API key visible in the public portal's page source",
            "Our developer found a full API key in the HTML of our public client portal. It "
            "isn't one we put there. Please revoke it and tell us what it could access.",
        ),
    ),
    "gdpr-erasure": (
        (
            "Please delete all my data (GDPR)",
            "I'm exercising my right to erasure under Article 17 GDPR. Please delete my account "
            "and every piece of personal data you hold about me, and confirm in writing.",
        ),
        (
            "Right to be forgotten for a former employee",
            "A former employee has asked us to have all their personal data removed from your "
            "system. Their login was {email}. What do you need from us?",
        ),
        (
            "Close my account and erase my history",
            "I no longer use the service. I want the account closed and all my history, "
            "uploads and payment details erased, not just deactivated.",
        ),
        (
            "Asked to be deleted but still getting your emails",
            "I asked for my data to be deleted {days} days ago and I still get your newsletters, "
            "so clearly you still hold my details. Please complete the erasure.",
        ),
    ),
    "legal-data-request": (
        (
            "Law enforcement request for subscriber information",
            "Attached is a request from a police department for subscriber information on one "
            "of your accounts, reference {case}. Please tell us who handles these.",
        ),
        (
            "Preservation request for an account's records",
            "We act for a party in a civil matter and ask you to preserve all records of the "
            "account {email} pending a subpoena. Please confirm receipt.",
        ),
        (
            "Subpoena for a user's login history",
            "We have been served a subpoena (case {case}) that asks for the login history of "
            "one of our users. Can you provide it, and in what format?",
        ),
        (
            "Regulator asking for our account data",
            "A regulator has asked us for the activity records held in your system for our "
            "account. We need to know what you can provide and how quickly.",
        ),
    ),
    "checkout-payment-error": (
        (
            "Payment keeps failing at checkout",
            "I've tried to pay for the upgrade three times with my {card} ending {last4} and "
            "each time I get {error}. My bank says they aren't blocking anything.",
        ),
        (
            "Checkout said failed but the money was taken",
            "Checkout said the payment failed, but my bank shows {amount} pending for order "
            "{order}. I don't want to try again and pay twice.",
        ),
        (
            "Stuck on the payment page after clicking Pay",
            "The spinner just keeps going after I press Pay, on {browser}. Order {order}. "
            "Is the payment going through or not?",
        ),
        (
            "Cannot upgrade our plan: payment could not be processed",
            "We need the extra seats today, but the card form answers 'payment could not be "
            "processed' on every try. Card is a company {card}, not expired.",
        ),
    ),
    "incorrect-charge": (
        (
            "Charged twice for last month's invoice",
            "My {card} ending {last4} was charged {amount} twice for {invoice}. Please refund "
            "the duplicate charge.",
        ),
        (
            "Billed for seats we removed",
            "We reduced our team on the 1st but {invoice} still bills the old seat count. The "
            "difference is {amount}.",
        ),
        (
            "Charged the annual price instead of monthly",
            "I chose monthly billing but was charged the full annual price. Transaction "
            "{transaction}. Please correct it.",
        ),
        (
            "Still charged after cancelling",
            "I cancelled in {month} and you charged my {card} {amount} again {when}. I have the "
            "cancellation confirmation email.",
        ),
    ),
    "refund-over-500": (
        (
            "Refund for an annual plan bought by mistake",
            "I meant to buy the monthly plan but paid {big_amount} for a year. I haven't used "
            "the new plan at all. Can I get that refunded?",
        ),
        (
            "Refund for unused seats on our annual contract",
            "We bought 40 seats for the year and only ever used 12. We'd like {big_amount} back "
            "for the seats no one used.",
        ),
        (
            "Requesting a refund after last week's outage",
            "We lost {days} days of work during your outage and request a refund of "
            "{big_amount}, as our contract allows.",
        ),
        (
            "Annual renewal charged twice",
            "Our renewal of {big_amount} went through twice, transaction {transaction} and the "
            "one before it. Please refund one of them.",
        ),
    ),
    "fraud": (
        (
            "Charges on my card that I didn't make",
            "There are {few} charges of {amount} from you on my {card} statement. I don't "
            "have an account with you. Please stop them.",
        ),
        (
            "Orders from new accounts all using the same card",
            "We noticed {users} new sign-ups {when}, all paying with the same card and "
            "upgrading straight away. This looks like card testing.",
        ),
        (
            "Someone is buying subscriptions with my card",
            "My bank flagged a {amount} payment to you as suspicious. I never signed up. "
            "Transaction {transaction}.",
        ),
        (
            "Our account was upgraded with a card that isn't ours",
            "Our bank called about a charge of {big_amount} made through our account {when}. "
            "No one here made it, and the card isn't ours.",
        ),
    ),
    "chargeback": (
        (
            "I disputed a charge and now my account is locked",
            "I disputed the {amount} charge with my bank because I didn't recognise it. Now I "
            "can't get into my account. What happens next?",
        ),
        (
            "Chargeback filed by mistake by our finance team",
            "Our finance team disputed {invoice} by mistake. The charge was correct. How do we "
            "withdraw the dispute so our account isn't suspended?",
        ),
        (
            "I want to dispute the last charge",
            "I was charged {amount} {when} for a service I cancelled. If it isn't refunded I "
            "will ask my bank to reverse it.",
        ),
        (
            "Bank reversed my payment and you suspended the account",
            "My bank reversed a payment on its own and now the workspace is suspended. "
            "{users} people can't work. Please restore access while this is sorted out.",
        ),
    ),
    "critical-feature-down": (
        (
            "Nobody on our team can log in",
            "Since {since} every login attempt ends in {error}. {users} people are blocked and "
            "we have a deadline today.",
        ),
        (
            "Reports page won't load at all",
            "The reports page just shows {error}. We can't run payroll without it. Tried "
            "{browser} and the mobile app.",
        ),
        (
            "Every save fails",
            "Nothing we change can be saved: {error} on every save since {since}. We've stopped "
            "working and are writing things down on paper.",
        ),
        (
            "Web app and mobile app both down for us",
            "Neither the web app nor the mobile app opens our workspace. Your status page says "
            "everything is operational.",
        ),
    ),
    "multi-customer-issue": (
        (
            "Several customers report notification emails not arriving",
            "{users} tickets in the last hour say notification emails stopped arriving. Not on "
            "the status page yet. Examples linked in the hand-off.",
        ),
        (
            "Login errors reported by many customers",
            "Chat is full of customers getting {error} at login since {since}. It doesn't "
            "depend on the browser or the plan.",
        ),
        (
            "Many reports of very slow dashboards",
            "Customers across plans report dashboards taking over a minute to load. "
            "{users} reports so far, starting {when}.",
        ),
        (
            "Webhooks delayed for several accounts",
            "Several customers say their {integration} webhooks arrive hours late or not at "
            "all. Started {when}.",
        ),
    ),
    "data-loss": (
        (
            "Half of our records disappeared after an import",
            "We imported a file {when} and afterwards about {records} of our existing records "
            "are gone. We did not choose the 'replace' option.",
        ),
        (
            "Files uploaded yesterday are gone",
            "All the attachments we uploaded yesterday show as 'file not found'. They were "
            "signed contracts; we need them back.",
        ),
        (
            "Dates in our data shifted by one day",
            "Every due date in our workspace moved one day earlier overnight. {records} items "
            "affected. We didn't change any settings.",
        ),
        (
            "A project deleted itself overnight",
            "Our main project vanished overnight and it isn't in the trash. Nobody here "
            "deleted it. We need it restored as it was yesterday.",
        ),
    ),
}
