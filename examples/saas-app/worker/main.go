package main

import (
	"context"
	"log"
	"os"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/twilio/twilio-go"
	twilioApi "github.com/twilio/twilio-go/rest/api/v2010"
)

// Consumes reminder jobs and texts the user.
func main() {
	conn, err := amqp.Dial(os.Getenv("RABBITMQ_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	ch, _ := conn.Channel()
	msgs, _ := ch.Consume("reminders", "", true, false, false, false, nil)
	client := twilio.NewRestClient()
	for m := range msgs {
		params := &twilioApi.CreateMessageParams{}
		params.SetTo(string(m.Body))
		params.SetFrom(os.Getenv("TWILIO_FROM_NUMBER"))
		params.SetBody("Your note reminder")
		if _, err := client.Api.CreateMessage(params); err != nil {
			log.Println(err)
		}
	}
	_ = context.Background()
}
