import { ClerkProvider } from "@clerk/nextjs";
import posthog from "posthog-js";
import "./globals.css";

if (typeof window !== "undefined") {
  posthog.init(process.env.NEXT_PUBLIC_POSTHOG_KEY!, { api_host: "https://us.i.posthog.com" });
}

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <ClerkProvider>
      <html lang="en">
        <body className="stripe">{children}</body>
      </html>
    </ClerkProvider>
  );
}
