module github.com/acme/notes-worker

go 1.22

require (
	github.com/rabbitmq/amqp091-go v1.10.0
	github.com/twilio/twilio-go v1.23.0
)

require github.com/golang/mock v1.6.0 // indirect
