"""What customers write about the product not working for them: bugs, sync and
integration failures, crashes, getting into their account, and frustration with support.

Apart from the commercial stories so each module stays readable; the same shape as
`urgent` (subject, description with {fill-ins}).
"""

EVERYDAY: dict[str, tuple[tuple[str, str], ...]] = {
    "core-functionality-bug": (
        (
            "Can't save changes to any task",
            "Every time I edit a task and press Save I get {error}. Same on {browser} and in "
            "a private window. Started {when}.",
        ),
        (
            "CSV export produces an empty file",
            "Exporting any list to CSV downloads a file with only the header row. We use it "
            "for our weekly report, so this is blocking us.",
        ),
        (
            "Invoices won't generate since your update",
            "Since version {version} clicking 'Create invoice' does nothing. No error, no "
            "invoice. We can't bill our clients.",
        ),
        (
            "Search returns no results at all",
            "Search finds nothing, even for items I can see on screen. Tried clearing the "
            "cache on {browser}.",
        ),
        (
            "Editor freezes when I paste text",
            "Pasting anything longer than a paragraph into the editor freezes the tab and I "
            "lose what I typed.",
        ),
    ),
    "sync-failure": (
        (
            "Calendar sync stopped working",
            "Events stopped appearing in our calendar {when}. We've disconnected and "
            "reconnected the calendar twice and signed out everywhere.",
        ),
        (
            "Changes on mobile don't show up on the web",
            "What I change on my {device} never reaches the web app, even after a full "
            "refresh and reinstalling the app.",
        ),
        (
            "Contacts sync has stopped",
            "Our contacts haven't synced with {integration} since {since}. The last sync shows "
            "as 'pending' forever.",
        ),
        (
            "Changes made offline never sync",
            "Everything I did offline on the plane is still marked 'waiting to sync' {days} "
            "days later, on a good connection.",
        ),
    ),
    "integration-failure": (
        (
            "Integration disconnected and won't reconnect",
            "Our {integration} integration shows 'disconnected'. Reconnecting asks for "
            "permission, then fails with {error}. Tried with two admin accounts.",
        ),
        (
            "Webhooks stopped firing",
            "Our webhook endpoint has received nothing since {since}. The endpoint works when "
            "we call it ourselves, and we re-saved the webhook.",
        ),
        (
            "Zapier zaps fail with an authentication error",
            "All our zaps fail with 'authentication expired' even after reconnecting the "
            "account in Zapier three times.",
        ),
        (
            "Salesforce integration duplicates our records",
            "Each sync creates a new copy of every contact in Salesforce. We now have {records} "
            "duplicates. We reinstalled the connector.",
        ),
    ),
    "reproducible-bug": (
        (
            "Date picker shows the wrong month",
            "For {users} of us the date picker opens on the wrong month and saves the wrong "
            "date. Steps: open a task, click the due date, pick the 1st.",
        ),
        (
            "Bulk edit changes the wrong items",
            "Selecting items and using bulk edit changes items I didn't select. Happens for "
            "everyone in our team, every time.",
        ),
        (
            "Notifications link to the wrong task",
            "Clicking a notification opens a different task from the one it mentions. Several "
            "colleagues see it on {browser} and on mobile.",
        ),
        (
            "Due dates off by one hour for everyone",
            "Since the clocks changed, all due dates show an hour late for our whole team. "
            "Our time zone settings are correct.",
        ),
    ),
    "mobile-crash": (
        (
            "App crashes as soon as I open it",
            "Since updating to {version} the app closes straight away on my {device}. "
            "Reinstalled twice, restarted the phone.",
        ),
        (
            "App crashes when I upload photos",
            "Whenever I attach a photo the app closes. {device}, app version {version}. I "
            "need photos for my site reports.",
        ),
        (
            "Android app closes at login",
            "The app closes the moment I tap 'Sign in'. Cleared the app's data and cache. "
            "{device}.",
        ),
        (
            "App freezes, then crashes, on the tasks screen",
            "Opening the tasks screen freezes the app for a few seconds and then it crashes. "
            "Our field team can't use it.",
        ),
    ),
    "locked-out-2fa": (
        (
            "Lost my phone and can't get past 2FA",
            "My phone was stolen {when} and I can't get a two-factor code. I don't have my "
            "backup codes. How do I get back in?",
        ),
        (
            "My 2FA codes are always rejected",
            "Every code from my authenticator app is refused. I've checked the time on my "
            "phone. Now the account says 'too many attempts'.",
        ),
        (
            "New phone and my authenticator app is empty",
            "I moved to a new {device} and the authenticator app didn't keep my codes. I'm "
            "locked out of my account.",
        ),
        (
            "Locked out after too many 2FA attempts",
            "After a few wrong codes my account is locked. I have an important client meeting "
            "and need access today.",
        ),
    ),
    "admin-removed-self": (
        (
            "I removed my own admin rights by mistake",
            "I was tidying up roles and changed myself to 'member'. I was the only admin, so "
            "now nobody can manage billing or users.",
        ),
        (
            "No admin left on our workspace",
            "Our only admin removed themselves from the workspace {when} by mistake. We need "
            "one of us made admin again.",
        ),
        (
            "Accidentally downgraded myself to a guest",
            "I meant to downgrade a contractor and downgraded myself to guest instead. Please "
            "restore my admin access.",
        ),
        (
            "Removed myself from the workspace by mistake",
            "I clicked 'Leave workspace' thinking it would just close the tab. I own the "
            "account and pay for it.",
        ),
    ),
    "account-shown-deleted": (
        (
            "My account says it has been deleted",
            "Signing in says 'this account has been deleted'. I never deleted it and I was "
            "using it yesterday.",
        ),
        (
            "Login says 'account deleted' but I never deleted it",
            "I get 'account deleted' at login since {since}. All our team's work is in that "
            "account.",
        ),
        (
            "Workspace marked as deleted after a failed payment",
            "Our card expired, payment failed and now the workspace shows as deleted. We've "
            "updated the card. Please restore it.",
        ),
        (
            "A team member's account shows as deleted",
            "One of our users, {email}, shows as deleted in the admin page. No one here "
            "deleted them.",
        ),
    ),
    "password-reset-failing": (
        (
            "Password reset email never arrives",
            "I've asked for a reset link {few} times since {since}. Nothing in the inbox or "
            "spam. Other emails from you arrive fine.",
        ),
        (
            "Reset link says it has expired",
            "I click the reset link within a minute and it says it has expired. Tried three "
            "times on {browser}.",
        ),
        (
            "New password not accepted after reset",
            "The reset says my password was changed, but signing in with the new one fails "
            "every time.",
        ),
        (
            "Reset page shows an error",
            "The password reset page shows {error} when I submit my new password.",
        ),
    ),
    "repeated-complaints": (
        (
            "Third time I'm reporting this",
            "This is the third time I've written about the same problem (see {ticket_ref}). "
            "Each time I'm told it's fixed, and it isn't.",
        ),
        (
            "Still not fixed after two weeks",
            "Two weeks and {few} messages later, {feature} still doesn't work. I keep getting "
            "the same copy-paste answer.",
        ),
        (
            "Nobody is reading my messages",
            "I've explained this problem in this chat three times now. Please read what I "
            "wrote before replying.",
        ),
        (
            "Same problem again, for the fourth time",
            "The sync problem is back for the fourth time since {month}. I'm tired of "
            "repeating myself.",
        ),
    ),
    "asks-for-manager": (
        (
            "I want to speak to a manager",
            "I've been going back and forth with support for {days} days. I want to speak to "
            "a manager today.",
        ),
        (
            "Please escalate this to a supervisor",
            "The answers I get don't solve anything. Please pass this to a supervisor who can "
            "actually decide something.",
        ),
        (
            "Who is in charge of support?",
            "I'd like the name and email of whoever runs your support team. This has been "
            "handled badly.",
        ),
        (
            "Need someone senior to look at this",
            "With respect, I need someone more senior. We pay {amount} a month and {feature} "
            "has been broken for a week.",
        ),
    ),
    "churn-threat": (
        (
            "Thinking about cancelling",
            "Between the outages and the slow answers we're seriously thinking about "
            "cancelling at the end of the month.",
        ),
        (
            "We'll move to a competitor if this isn't fixed",
            "If {feature} isn't working by Friday we will move our {users} users to a "
            "competitor. We're already trialling another tool.",
        ),
        (
            "Not renewing our contract",
            "Please note we don't intend to renew in {month}. Support has not been what we "
            "were promised.",
        ),
        (
            "How do I cancel and export everything?",
            "I want to cancel and take all our data with me. How do I export everything?",
        ),
    ),
    "public-negative-review": (
        (
            "I've posted a review about this",
            "I've just posted a review on {platform} about how this has been handled. I'll "
            "update it if you actually fix it.",
        ),
        (
            "Going public about how we've been treated",
            "We're writing about this experience on {platform} today. Other customers deserve "
            "to know.",
        ),
        (
            "Our review will reflect this",
            "We were asked to review you on {platform} this week. Right now it will be one star.",
        ),
        (
            "Posted about the outage on social media",
            "I've posted about losing a day's work on {platform}. Several people replied "
            "they had the same.",
        ),
    ),
}
