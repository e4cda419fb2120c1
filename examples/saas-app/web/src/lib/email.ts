import { Resend } from "resend";

const resend = new Resend(process.env.RESEND_API_KEY);

export async function sendWelcome(to: string): Promise<void> {
  await resend.emails.send({
    from: "Acme Notes <hello@notes.example.com>",
    to,
    subject: "Welcome to Acme Notes",
    html: "<p>Thanks for signing up.</p>",
  });
}
